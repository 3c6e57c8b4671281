// Signatures carried inside the binary: the payload's unpacking, and the
// built-in rules loaded from the memory tree with the compiled sets made
// from them — the mechanism of the self-contained build, in-process.
#include "signatures/embedded.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/diagnostics.h"
#include "platform/memory_tree.h"
#include "signatures/loader.h"
#include "signatures/yara_partition.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

namespace fs = std::filesystem;
using testing::RunProgram;
using testing::TempDir;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The files below `dir`, keyed "/<prefix>/<relative path>".
void AddTree(std::map<std::string, std::string>& files, const fs::path& dir,
             const std::string& prefix) {
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files["/" + prefix + "/" + fs::relative(e.path(), dir).string()] = Slurp(e.path());
}

class Embedded : public ::testing::Test {
 protected:
  void TearDown() override { platform::UnmountMemoryTree(); }
};

TEST_F(Embedded, NormalBuildsCarryNoPayload) {
  EXPECT_TRUE(EmbeddedPayload().empty());
  auto mounted = MountEmbeddedSignatures();
  ASSERT_TRUE(mounted.ok());
  EXPECT_FALSE(*mounted);
  EXPECT_EQ(EmbeddedRulesCacheDir(), "");
}

TEST_F(Embedded, UnpacksAnXzTarOfRegularFiles) {
  TempDir t;
  t.Write("tree/rules/a.yar", "rule a { condition: true }");
  t.Write("tree/cache/rules-x.meta", "meta");
  fs::create_symlink("a.yar", t.path() + "/tree/rules/link.yar");
  auto r = RunProgram({"/bin/tar", "-C", t.path() + "/tree", "-cJf", t.path() + "/p.tar.xz",
                       "rules", "cache"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = UnpackPayload(Bytes(Slurp(t.path() + "/p.tar.xz")), 1 << 20);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->size(), 2u);  // the symlink is not a file of the tree
  EXPECT_EQ(files->at("/rules/a.yar"), "rule a { condition: true }");
  EXPECT_EQ(files->at("/cache/rules-x.meta"), "meta");
  EXPECT_EQ(UnpackPayload(Bytes(Slurp(t.path() + "/p.tar.xz")), 10).status().code(),
            Status::Code::kResourceExhausted);
  std::string cut = Slurp(t.path() + "/p.tar.xz");
  cut.resize(cut.size() / 2);
  EXPECT_FALSE(UnpackPayload(Bytes(cut), 1 << 20).ok());
}

TEST_F(Embedded, RefusesAMemberThatClimbsOut) {
  TempDir t;
  auto r = RunProgram({"/usr/bin/python3", "-c",
                       "import io,tarfile,sys\n"
                       "with tarfile.open(sys.argv[1],'w:xz') as tf:\n"
                       "  i=tarfile.TarInfo('rules/../../etc/x'); d=b'x'; i.size=len(d)\n"
                       "  tf.addfile(i, io.BytesIO(d))\n",
                       t.path() + "/bad.tar.xz"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto files = UnpackPayload(Bytes(Slurp(t.path() + "/bad.tar.xz")), 1 << 20);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("bad member name"), std::string::npos);
}

// The built-in rules from the memory tree load like the folder on disk, and
// with the compiled sets precompiled from that same tree nothing is compiled.
TEST_F(Embedded, BuiltinRulesLoadFromMemoryWithTheirPrecompiledSets) {
  const fs::path rules = fs::path(HARRIER_SOURCE_DIR) / "rules";
  Diagnostics disk_diag;
  LoadOptions disk;
  disk.folders = {rules.string()};
  auto from_disk = LoadSignatures(disk, disk_diag);
  ASSERT_TRUE(from_disk.ok());

  std::map<std::string, std::string> files;
  AddTree(files, rules, "rules");
  platform::MountMemoryTree(platform::MemoryTree(files));
  auto found = FindBuiltinRules();
  if (std::getenv("HARRIER_RULES") == nullptr) {
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(*found, "builtin:/rules");
  }
  TempDir cache;
  Diagnostics diag;
  LoadOptions lo;
  lo.folders = {"builtin:/rules"};
  lo.rules_cache_dir = cache.path() + "/c";
  auto first = LoadSignatures(lo, diag);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(diag.error_count(), 0u);
  EXPECT_FALSE((*first)->stats.rules_from_cache);
  EXPECT_EQ((*first)->stats.yara_rules, (*from_disk)->stats.yara_rules);
  EXPECT_EQ((*first)->stats.hash_iocs, (*from_disk)->stats.hash_iocs);
  EXPECT_EQ((*first)->stats.c2_iocs, (*from_disk)->stats.c2_iocs);
  EXPECT_EQ((*first)->packs.size(), (*from_disk)->packs.size());
  ASSERT_TRUE((*first)->yara_partition);
  for (size_t i = 0; i < (*first)->yara_partition->set_count(); ++i) {
    ASSERT_TRUE((*first)->yara_partition->Set(i));
    ASSERT_TRUE((*first)->yara_partition->PrivateLeanCopy(i));
  }

  // The payload of a self-contained binary: the rules and those sets.
  AddTree(files, cache.path() + "/c", "cache");
  platform::MountMemoryTree(platform::MemoryTree(files));
  EXPECT_EQ(EmbeddedRulesCacheDir(), "builtin:/cache");
  Diagnostics diag2;
  LoadOptions again;
  again.folders = {"builtin:/rules"};  // and no cache folder of its own
  auto second = LoadSignatures(again, diag2);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(diag2.error_count(), 0u);
  EXPECT_TRUE((*second)->stats.rules_from_cache);
  EXPECT_EQ((*second)->stats.digest, (*first)->stats.digest);
  ASSERT_TRUE((*second)->yara_partition);
  EXPECT_TRUE((*second)->yara_partition->plan_from_cache());
  EXPECT_EQ((*second)->stats.yara_rules, (*first)->stats.yara_rules);

  // Another set (one more folder) has another digest: the embedded sets are
  // not used for it, and its own cache entry goes to the disk cache.
  TempDir extra;
  extra.Write("yara/x.yar", "rule extra_marker { strings: $a = \"zzqq-marker\" condition: $a }");
  Diagnostics diag3;
  LoadOptions more;
  more.folders = {"builtin:/rules", extra.path()};
  more.rules_cache_dir = cache.path() + "/d";
  auto third = LoadSignatures(more, diag3);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE((*third)->stats.rules_from_cache);
  EXPECT_TRUE(fs::exists(cache.path() + "/d"));
}

}  // namespace
}  // namespace harrier
