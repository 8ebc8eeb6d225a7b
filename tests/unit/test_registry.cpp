#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdlib>

#include "core/error.hpp"
#include "core/registry.hpp"
#include "git_fixture.hpp"
#include "error_code.hpp"
#include "temp_dir.hpp"

using namespace mlops;
using mlops::test::code_of;
using mlops::test::rev_parse;
using mlops::test::sh;
using mlops::test::TempDir;
namespace fs = std::filesystem;

namespace {

SemVer v(const char* text) { return *SemVer::parse(text); }

RegistryTagName tag(const char* text) {
  auto t = parse_registry_tag(text);
  INFO(text);
  REQUIRE(t);
  return *t;
}

// An event as read from git: `tag` on `commit` at `time`, with trailers
// naming `version` when given.
RegistryEvent event(const char* name, const std::string& commit, int64_t time, const char* version = nullptr) {
  RegistryEvent e;
  e.tag = name;
  e.name = tag(name);
  e.commit = commit;
  e.time = time;
  if (version) e.message.record.version = v(version);
  return e;
}

}  // namespace

TEST_CASE("registry tag names parse into their events") {
  RegistryTagName r = tag("churn@v1.2.0");
  CHECK(r.action == RegistryAction::register_version);
  CHECK(r.model == "churn");
  CHECK(*r.version == v("1.2.0"));
  CHECK(r.number == 0);

  RegistryTagName a = tag("churn#prod#12");
  CHECK(a.action == RegistryAction::assign);
  CHECK(a.stage == "prod");
  CHECK(a.number == 12);
  CHECK(tag("churn#prod!#3").action == RegistryAction::unassign);

  RegistryTagName d = tag("churn@v1.0.0-rc.1+b.7!#2");
  CHECK(d.action == RegistryAction::deregister_version);
  CHECK(d.version->str() == "1.0.0-rc.1+b.7");
  CHECK(d.number == 2);

  RegistryTagName dep = tag("fraud-model@deprecated#1");
  CHECK(dep.action == RegistryAction::deprecate_model);
  CHECK(dep.model == "fraud-model");
}

TEST_CASE("registry tag names print as they parse") {
  for (const char* t : {"churn@v1.2.0", "churn@v1.2.0-rc.1", "churn#prod#1", "churn#prod!#2", "churn@v1.0.0!#1",
                        "m2@deprecated#3", "a#b#1"})
    CHECK(tag(t).str() == t);
}

TEST_CASE("registry tag families group the events that share N") {
  CHECK(tag("churn#prod#1").family() == tag("churn#prod!#2").family());
  CHECK(tag("churn#prod#1").family() != tag("churn#staging#1").family());
  CHECK(tag("churn@v1.0.0!#1").family() == "churn@v1.0.0");
  CHECK(tag("churn@deprecated#1").family() == "churn@deprecated");
}

TEST_CASE("other tags are not registry tags") {
  for (const char* t : {"v1.0.0", "release-2024", "churn", "churn@1.0.0", "churn@v1.0", "churn@vx",
                        "churn#prod", "churn#prod#", "churn#prod#0", "churn#prod#01", "churn#prod#x", "churn#Prod#1",
                        "Churn@v1.0.0", "-churn@v1.0.0", "churn-@v1.0.0", "chu_rn@v1.0.0", "churn@v1.0.0#1",
                        "churn@deprecated", "churn@deprecated!#1", "churn#a#b#1", "@v1.0.0", "churn#prod!!#1",
                        "team/churn@v1.0.0"}) {
    INFO(t);
    CHECK_FALSE(parse_registry_tag(t));
  }
}

TEST_CASE("registry names are checked with a clear message") {
  CHECK_NOTHROW(check_registry_name("churn-2", "model"));
  CHECK_NOTHROW(check_registry_name("a", "stage"));
  for (const char* bad : {"", "Churn", "-a", "a-", "a b", "a/b", "a.b", "a@b", "a#b", "a_b"}) {
    INFO(bad);
    CHECK(code_of([&] { check_registry_name(bad, "model"); }) == Errc::usage);
  }
  try {
    check_registry_name("Bad", "stage");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("invalid stage name 'Bad'") != std::string::npos);
  }
}

TEST_CASE("registry messages carry the artifact in trailers") {
  ArtifactRecord r;
  r.version = v("1.1.0");
  r.path = "models/churn.pkl";
  r.hash = hash_bytes("weights");
  r.kind = "file";
  r.size = 7;
  r.run = "run-42";
  std::string text = format_registry_message("Ship it\n\nBetter recall.\n", r);
  CHECK(text.find("\n\nmlops-registry: 1\nversion: v1.1.0\npath: models/churn.pkl\nhash: " + r.hash->str() +
                  "\nkind: file\nsize: 7\nrun: run-42\n") != std::string::npos);
  RegistryMessage m = parse_registry_message(text);
  CHECK(m.text == "Ship it\n\nBetter recall.");
  CHECK(*m.record.version == v("1.1.0"));
  CHECK(m.record.path == r.path);
  CHECK(*m.record.hash == *r.hash);
  CHECK(m.record.kind == "file");
  CHECK(m.record.size == 7);
  CHECK(m.record.run == "run-42");
}

TEST_CASE("registry messages without trailers are plain text") {
  RegistryMessage m = parse_registry_message("Assigning stage prod to artifact churn version v1.0.0\n");
  CHECK(m.text == "Assigning stage prod to artifact churn version v1.0.0");
  CHECK_FALSE(m.record.version);
  CHECK_FALSE(m.record.hash);
  CHECK(m.record.path.empty());
}

TEST_CASE("registry messages ignore unknown keys and malformed values") {
  RegistryMessage m = parse_registry_message(
      "x\n\nmlops-registry: 1\nfuture: yes\nhash: sha256:nothex\nkind: blob\nversion: 1.x\npath: a.bin\n");
  CHECK(m.record.path == "a.bin");
  CHECK_FALSE(m.record.hash);
  CHECK(m.record.kind.empty());
  CHECK_FALSE(m.record.version);
}

TEST_CASE("registry message values must fit on one line") {
  ArtifactRecord r;
  r.path = "a\nb";
  CHECK(code_of([&] { format_registry_message("x", r); }) == Errc::usage);
}

TEST_CASE("registry state: versions, latest and the next version to bump") {
  auto models = build_registry({event("churn@v1.0.0", "c1", 100), event("churn@v1.10.0", "c3", 300),
                                event("churn@v1.2.0", "c2", 200), event("other@v0.1.0", "c9", 50)});
  REQUIRE(models.size() == 2);
  const Model& m = models.at("churn");
  REQUIRE(m.versions.size() == 3);
  CHECK(m.versions[0].version == v("1.0.0"));
  CHECK(m.versions[2].version == v("1.10.0"));
  CHECK(m.latest()->version == v("1.10.0"));
  CHECK(m.greatest()->version == v("1.10.0"));
  CHECK(m.find(v("1.2.0"))->registration.commit == "c2");
  CHECK(m.find(v("1.2.0+build"))->version == v("1.2.0"));  // equal precedence
  CHECK_FALSE(m.find(v("1.3.0")));
  CHECK(m.stages.empty());
}

TEST_CASE("registry state: the latest assignment holds the stage") {
  auto models = build_registry({event("churn@v1.0.0", "c1", 100), event("churn@v1.1.0", "c2", 100),
                                event("churn#prod#1", "c1", 100, "1.0.0"), event("churn#prod#2", "c2", 100, "1.1.0"),
                                event("churn#staging#1", "c2", 100, "1.1.0")});
  const Model& m = models.at("churn");
  CHECK(m.in_stage("prod")->version == v("1.1.0"));
  CHECK(m.in_stage("staging")->version == v("1.1.0"));
  CHECK(m.find(v("1.1.0"))->stages == std::vector<std::string>{"prod", "staging"});
  CHECK(m.find(v("1.0.0"))->stages.empty());
  CHECK(m.next_number("churn#prod") == 3);
  CHECK(m.next_number("churn#staging") == 2);
  CHECK(m.next_number("churn#dev") == 1);
}

TEST_CASE("registry state: N orders a stage's events, not the clock") {
  // The tagger clocks disagree with the numbers: numbers win.
  auto models = build_registry({event("churn@v1.0.0", "c1", 100), event("churn@v1.1.0", "c2", 100),
                                event("churn#prod#2", "c1", 100, "1.0.0"), event("churn#prod#1", "c2", 900, "1.1.0")});
  CHECK(models.at("churn").in_stage("prod")->version == v("1.0.0"));
}

TEST_CASE("registry state: unassigning hands the stage back to the previous assignment") {
  std::vector<RegistryEvent> events{event("churn@v1.0.0", "c1", 100), event("churn@v1.1.0", "c2", 100),
                                    event("churn#prod#1", "c1", 101, "1.0.0"),
                                    event("churn#prod#2", "c2", 102, "1.1.0"),
                                    event("churn#prod!#3", "c2", 103, "1.1.0")};
  CHECK(build_registry(events).at("churn").in_stage("prod")->version == v("1.0.0"));
  events.push_back(event("churn#prod!#4", "c1", 104, "1.0.0"));
  auto models = build_registry(events);
  CHECK_FALSE(models.at("churn").in_stage("prod"));
  CHECK(models.at("churn").next_number("churn#prod") == 5);
  events.push_back(event("churn#prod#5", "c2", 105, "1.1.0"));
  CHECK(build_registry(events).at("churn").in_stage("prod")->version == v("1.1.0"));
}

TEST_CASE("registry state: a stage tag without trailers means the version on its commit") {
  auto models = build_registry({event("churn@v1.0.0", "c1", 100), event("churn@v1.0.1", "c1", 100),
                                event("churn@v2.0.0", "c2", 100), event("churn#prod#1", "c1", 100),
                                event("churn#dev#1", "c-unknown", 100)});
  const Model& m = models.at("churn");
  CHECK(m.in_stage("prod")->version == v("1.0.1"));  // the greatest on c1
  CHECK_FALSE(m.in_stage("dev"));                      // no version on that commit: no effect
  REQUIRE(m.history.size() == 5);
  CHECK_FALSE(std::find_if(m.history.begin(), m.history.end(), [](const RegistryEvent& e) {
                return e.tag == "churn#dev#1";
              })->version);
}

TEST_CASE("registry state: a deregistered version leaves its stages and is not latest") {
  auto models = build_registry({event("churn@v1.0.0", "c1", 100), event("churn@v1.1.0", "c2", 100),
                                event("churn#prod#1", "c1", 101, "1.0.0"), event("churn#prod#2", "c2", 102, "1.1.0"),
                                event("churn@v1.1.0!#1", "c2", 103)});
  const Model& m = models.at("churn");
  CHECK(m.find(v("1.1.0"))->deregistered);
  CHECK(m.latest()->version == v("1.0.0"));
  CHECK(m.greatest()->version == v("1.1.0"));
  CHECK(m.in_stage("prod")->version == v("1.0.0"));
  CHECK(m.next_number("churn@v1.1.0") == 2);
  CHECK(m.next_number("churn@v1.0.0") == 1);
}

TEST_CASE("registry state: a deprecated model holds no stage") {
  auto models = build_registry({event("churn@v1.0.0", "c1", 100), event("churn#prod#1", "c1", 101, "1.0.0"),
                                event("churn@deprecated#1", "c1", 102)});
  const Model& m = models.at("churn");
  CHECK(m.deprecated);
  CHECK(m.stages.empty());
  CHECK(m.latest()->version == v("1.0.0"));
}

TEST_CASE("registry history is ordered by time then by kind of event") {
  auto models = build_registry({event("churn#prod#2", "c2", 200, "1.1.0"), event("churn@v1.1.0", "c2", 200),
                                event("churn#prod#1", "c1", 150, "1.0.0"), event("churn@v1.0.0", "c1", 100)});
  std::vector<std::string> order;
  for (const auto& e : models.at("churn").history) order.push_back(e.tag);
  CHECK(order == std::vector<std::string>{"churn@v1.0.0", "churn#prod#1", "churn@v1.1.0", "churn#prod#2"});
}

namespace {

// A git repository with two commits and a tagger identity in the environment.
struct TaggedRepo {
  TempDir d;
  fs::path root = d.path();
  std::string c1, c2;
  TaggedRepo() {
    ::setenv("GIT_COMMITTER_NAME", "Registry Test", 1);
    ::setenv("GIT_COMMITTER_EMAIL", "registry@example.com", 1);
    sh(root, "git init -q -b main . && git commit -q --allow-empty -m one && git commit -q --allow-empty -m two");
    c1 = rev_parse(root, "HEAD~1");
    c2 = rev_parse(root, "HEAD");
  }
};

}  // namespace

TEST_CASE("registry writes annotated tags and reads its state back from git") {
  TaggedRepo repo;
  Registry reg(repo.root);
  CHECK(reg.models().empty());
  ArtifactRecord art;
  art.path = "model.bin";
  art.hash = hash_bytes("w1");
  art.kind = "file";
  art.size = 2;
  RegistryEvent e = reg.register_version("churn", v("1.0.0"), repo.c1, art, "");
  CHECK(e.tag == "churn@v1.0.0");
  CHECK(e.commit == repo.c1);
  CHECK(e.tagger == "Registry Test");
  CHECK(e.email == "registry@example.com");
  CHECK(e.message.text == "Register churn v1.0.0");
  CHECK(*e.message.record.hash == *art.hash);
  art.hash = hash_bytes("w2");
  reg.register_version("churn", v("1.1.0"), repo.c2, art, "better");

  CHECK(reg.assign("churn", v("1.0.0"), "prod", "").tag == "churn#prod#1");
  RegistryEvent p2 = reg.assign("churn", v("1.1.0"), "prod", "");
  CHECK(p2.tag == "churn#prod#2");
  CHECK(p2.commit == repo.c2);
  CHECK(*p2.message.record.version == v("1.1.0"));
  CHECK(*p2.message.record.hash == hash_bytes("w2"));

  Registry again(repo.root);  // a fresh reader sees the same state
  CHECK(again.model("churn").in_stage("prod")->version == v("1.1.0"));
  CHECK(again.model("churn").versions.size() == 2);

  RegistryEvent d = reg.unassign("churn", "prod", "");
  CHECK(d.tag == "churn#prod!#3");
  CHECK(*d.version == v("1.1.0"));
  CHECK(reg.model("churn").in_stage("prod")->version == v("1.0.0"));
  CHECK(reg.deregister("churn", v("1.0.0"), "").tag == "churn@v1.0.0!#1");
  CHECK_FALSE(reg.model("churn").in_stage("prod"));
  CHECK(reg.deprecate("churn", "").tag == "churn@deprecated#1");
  CHECK(reg.model("churn").deprecated);
}

TEST_CASE("registry refuses bad requests and writes no tag") {
  TaggedRepo repo;
  Registry reg(repo.root);
  reg.register_version("churn", v("1.0.0"), repo.c1, {}, "");
  CHECK(code_of([&] { reg.register_version("churn", v("1.0.0"), repo.c2, {}, ""); }) == Errc::usage);
  CHECK(code_of([&] { reg.register_version("churn", v("1.0.0+other"), repo.c2, {}, ""); }) == Errc::usage);
  CHECK(code_of([&] { reg.register_version("Bad", v("1.0.0"), repo.c2, {}, ""); }) == Errc::usage);
  CHECK(code_of([&] { reg.assign("churn", v("2.0.0"), "prod", ""); }) == Errc::usage);
  CHECK(code_of([&] { reg.assign("nope", v("1.0.0"), "prod", ""); }) == Errc::usage);
  CHECK(code_of([&] { reg.assign("churn", v("1.0.0"), "Prod", ""); }) == Errc::usage);
  CHECK(code_of([&] { reg.unassign("churn", "prod", ""); }) == Errc::failure);
  CHECK(code_of([&] { reg.model("chrun"); }) == Errc::usage);
  CHECK(Registry(repo.root).model("churn").history.size() == 1);
  reg.deprecate("churn", "");
  CHECK(code_of([&] { reg.register_version("churn", v("2.0.0"), repo.c2, {}, ""); }) == Errc::failure);
  CHECK(code_of([&] { reg.assign("churn", v("1.0.0"), "prod", ""); }) == Errc::failure);
  CHECK(Registry(repo.root).model("churn").history.size() == 2);
}

TEST_CASE("registry takes the next N when another writer took it meanwhile") {
  TaggedRepo repo;
  Registry reg(repo.root);
  reg.register_version("churn", v("1.0.0"), repo.c1, {}, "");
  sh(repo.root, "git tag -a -m other churn#prod#1 HEAD~1");  // behind this Registry's back
  CHECK(reg.assign("churn", v("1.0.0"), "prod", "").tag == "churn#prod#2");
}

TEST_CASE("registry outside git is a usage error") {
  TempDir d;
  CHECK(code_of([&] { Registry reg(d.path()); }) == Errc::usage);
}
