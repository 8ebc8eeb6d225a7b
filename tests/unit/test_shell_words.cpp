#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core/shell_words.hpp"
#include "core/text.hpp"

using namespace mlops;

TEST_CASE("shell_quote makes one shell word of anything", "[shell_words]") {
  CHECK(shell_quote("plain") == "'plain'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("$(rm -rf /); `x` \"y\"") == "'$(rm -rf /); `x` \"y\"'");
  CHECK(shell_quote("") == "''");
}

namespace {

// What /bin/sh -c makes of `line` when it runs it: the arguments printf saw.
std::vector<std::string> words_sh_runs(const std::string& line) {
  FILE* p = ::popen(line.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  REQUIRE(::pclose(p) == 0);
  REQUIRE(!out.empty());
  out.pop_back();  // the NUL after the last word
  return split(out, '\0');
}

}  // namespace

TEST_CASE("shell_join quotes only what the shell would change, and sh splits it back", "[shell_words]") {
  CHECK(shell_join({"python", "src/train.py", "--lr=0.1", "data/a.csv"}) == "python src/train.py --lr=0.1 data/a.csv");
  CHECK(shell_join({"sh", "-c", "cat a > b"}) == "sh -c 'cat a > b'");
  CHECK(shell_join({"echo", ""}) == "echo ''");
  // A first word the shell would take as an assignment or a keyword.
  CHECK(shell_join({"A=1", "x"}) == "'A=1' x");
  CHECK(shell_join({"if", "x"}) == "'if' x");
  std::vector<std::string> args{"cat a > b", "it's", "", "$HOME", "`id`", "$(id)", "a\"b", "new\nline", "tab\there",
                                "*", "~", "#x", "x=1", "if", "-n", "a\\b", "semi;colon", "a|b", "{x,y}", "caf\xc3\xa9"};
  std::vector<std::string> argv{"printf", "%s\\0"};
  argv.insert(argv.end(), args.begin(), args.end());
  CHECK(words_sh_runs(shell_join(argv)) == args);
}
