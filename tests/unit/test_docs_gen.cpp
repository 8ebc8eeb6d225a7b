#include <catch2/catch.hpp>

#include "cli/command_table.hpp"
#include "cli/docs_gen.hpp"

using namespace mlops::cli;

namespace {
struct Built {
  Context ctx;
  CLI::App app;
  Built() { build_app(app, ctx); }
};
}  // namespace

TEST_CASE("every command has a summary, a man page and completion entries", "[docs]") {
  Built b;
  CommandDoc doc = describe(b.app);
  auto pages = man_pages(doc, "test");
  std::string bash = bash_completion(doc), zsh = zsh_completion(doc), fish = fish_completion(doc);
  size_t visible = 0;
  for (const auto& c : commands()) {
    if (c.name.substr(0, 2) == "__") continue;
    ++visible;
    std::string name(c.name);
    INFO(name);
    CHECK_FALSE(c.summary.empty());
    bool has_page = false;
    for (const auto& [file, text] : pages) has_page |= file == "mlops-" + name + ".1";
    CHECK(has_page);
    CHECK(bash.find("'/" + name + "'") != std::string::npos);
    CHECK(zsh.find("'" + name + ":") != std::string::npos);
    CHECK(fish.find("-a '" + name + "'") != std::string::npos);
  }
  CHECK(pages.size() == visible + 1);  // plus mlops.1
  CHECK(doc.subcommands.size() == visible);
}

TEST_CASE("hidden commands stay out of docs", "[docs]") {
  Built b;
  CommandDoc doc = describe(b.app);
  for (const auto& s : doc.subcommands) CHECK(s.path.back().substr(0, 2) != "__");
  CHECK(bash_completion(doc).find("__man") == std::string::npos);
}

TEST_CASE("roff escapes dashes and leading dots", "[docs]") {
  Built b;
  auto pages = man_pages(describe(b.app), "1.0");
  for (const auto& [file, text] : pages) {
    INFO(file);
    CHECK(text.rfind(".TH ", 0) == 0);
    CHECK(text.find("\n.SH NAME\n") != std::string::npos);
    CHECK(text.find("--") == std::string::npos);  // every dash escaped as \-
  }
}
