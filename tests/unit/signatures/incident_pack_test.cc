// Incident pack manifests (pack.json): required keys, types, id syntax,
// comments and unknown keys; which pack a signature's source belongs to.
#include "signatures/incident_pack.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

constexpr std::string_view kGood = R"({
  // comments are allowed
  "format": 1, "id": "acme-2031", "title": "ACME updater compromise",
  "published": "2031-01-02", "summary": "what happened",
  "remediation": "update ACME", "sources": ["X: a report, https://example.org/r"],
  "future_key": {"ignored": true}
})";

TEST(PackManifest, ParsesEveryField) {
  auto p = ParsePackManifest(kGood, "/p/pack.json");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->id, "acme-2031");
  EXPECT_EQ(p->title, "ACME updater compromise");
  EXPECT_EQ(p->published, "2031-01-02");
  EXPECT_EQ(p->summary, "what happened");
  EXPECT_EQ(p->remediation, "update ACME");
  EXPECT_EQ(p->sources, std::vector<std::string>{"X: a report, https://example.org/r"});
}

TEST(PackManifest, OptionalKeysMayBeMissing) {
  auto p = ParsePackManifest(R"({"format":1,"id":"a","title":"t","remediation":"r"})", "m");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->sources.empty());
  EXPECT_TRUE(p->summary.empty());
}

TEST(PackManifest, ErrorsNameTheFileAndTheKey) {
  struct Case {
    std::string text, needle;
  };
  const Case cases[] = {
      {"not json", "not a JSON object"},
      {"[1,2]", "not a JSON object"},
      {R"({"id":"a","title":"t","remediation":"r"})", "\"format\""},
      {R"({"format":2,"id":"a","title":"t","remediation":"r"})", "\"format\""},
      {R"({"format":1,"title":"t","remediation":"r"})", "\"id\" missing"},
      {R"({"format":1,"id":"a","remediation":"r"})", "\"title\" missing"},
      {R"({"format":1,"id":"a","title":"t"})", "\"remediation\" missing"},
      {R"({"format":1,"id":7,"title":"t","remediation":"r"})", "\"id\" must be a string"},
      {R"({"format":1,"id":"Bad Id","title":"t","remediation":"r"})", "\"id\" must be"},
      {R"({"format":1,"id":"../x","title":"t","remediation":"r"})", "\"id\" must be"},
      {R"({"format":1,"id":"","title":"t","remediation":"r"})", "\"id\" must be"},
      {R"({"format":1,"id":"a","title":"t","remediation":"r","sources":"x"})", "\"sources\""},
      {R"({"format":1,"id":"a","title":"t","remediation":"r","sources":[1]})", "\"sources\""},
  };
  for (const auto& c : cases) {
    auto p = ParsePackManifest(c.text, "/x/pack.json");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_NE(p.status().message().find("/x/pack.json"), std::string::npos) << p.status().message();
    EXPECT_NE(p.status().message().find(c.needle), std::string::npos)
        << c.text << " -> " << p.status().message();
  }
  EXPECT_TRUE(ParsePackManifest(std::string(R"({"format":1,"id":")") + std::string(64, 'a') +
                                    R"(","title":"t","remediation":"r"})",
                                "m")
                  .ok());
  EXPECT_FALSE(ParsePackManifest(std::string(R"({"format":1,"id":")") + std::string(65, 'a') +
                                     R"(","title":"t","remediation":"r"})",
                                 "m")
                   .ok());
}

TEST(PackOfSource, MatchesFilesBelowThePackFolderOnly) {
  std::vector<IncidentPack> packs(2);
  packs[0].id = "one";
  packs[0].folder = "/r/packs/one";
  packs[1].id = "one-b";
  packs[1].folder = "/r/packs/one-b";
  ASSERT_NE(PackOfSource(packs, "/r/packs/one/iocs/hash.txt:3"), nullptr);
  EXPECT_EQ(PackOfSource(packs, "/r/packs/one/iocs/hash.txt:3")->id, "one");
  EXPECT_EQ(PackOfSource(packs, "/r/packs/one-b/yara/x.yar")->id, "one-b");
  EXPECT_EQ(PackOfSource(packs, "/r/packs/one"), nullptr);       // the folder itself
  EXPECT_EQ(PackOfSource(packs, "/r/packs/onex/a.yar"), nullptr);  // a sibling with the prefix
  EXPECT_EQ(PackOfSource(packs, "harrier_c2"), nullptr);
  EXPECT_EQ(PackOfSource(packs, "3cx intel section 1 [V]"), nullptr);
}

}  // namespace
}  // namespace harrier
