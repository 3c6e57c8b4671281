// The memory tree: the built-in signatures of a self-contained binary, served
// through fs.h's path functions under "builtin:".
#include "platform/memory_tree.h"

#include <gtest/gtest.h>

#include "platform/fs.h"

namespace harrier::platform {
namespace {

MemoryTree Sample() {
  return MemoryTree({{"/rules/packs/a/pack.json", "{}"},
                     {"/rules/packs/a/yara/a.yar", "rule a { condition: true }"},
                     {"/rules/packs/b/iocs/hash.txt", "x"},
                     {"/rules/README.md", "readme"},
                     {"/cache/rules-1.meta", "m"}});
}

// Each test mounts its own tree and leaves none behind.
class MountedTree : public ::testing::Test {
 protected:
  void SetUp() override { MountMemoryTree(Sample()); }
  void TearDown() override { UnmountMemoryTree(); }
};

TEST(MemoryTree, StatsFilesAndTheFoldersAboveThem) {
  MemoryTree t = Sample();
  auto f = t.Stat("builtin:/rules/packs/a/yara/a.yar");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->type, FileType::kRegular);
  EXPECT_EQ(f->size, 26u);
  EXPECT_EQ(f->mode, 0444u);
  auto d = t.Stat("builtin:/rules/packs");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->type, FileType::kDirectory);
  EXPECT_TRUE(t.Stat("builtin:/").ok());
  EXPECT_TRUE(t.Stat("builtin:/rules/./packs/../packs/a/").ok());
  EXPECT_FALSE(t.Stat("builtin:/rules/pack").ok());  // a prefix of a name is not a folder
  EXPECT_FALSE(t.Stat("builtin:/nothing").ok());
  EXPECT_FALSE(t.Stat("/rules/README.md").ok());  // not a built-in path
}

TEST(MemoryTree, ListsLikeTheDiskFunctions) {
  MemoryTree t = Sample();
  auto files = t.ListFilesRecursive("builtin:/rules/packs");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(*files, (std::vector<std::string>{"builtin:/rules/packs/a/pack.json",
                                              "builtin:/rules/packs/a/yara/a.yar",
                                              "builtin:/rules/packs/b/iocs/hash.txt"}));
  auto subs = t.ListSubdirectories("builtin:/rules/packs");
  ASSERT_TRUE(subs.ok());
  EXPECT_EQ(*subs, (std::vector<std::string>{"a", "b"}));
  auto top = t.ListSubdirectories("builtin:/rules");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(*top, (std::vector<std::string>{"packs"}));  // README.md is a file
  EXPECT_FALSE(t.ListFilesRecursive("builtin:/rules/README.md").ok());
  auto n = t.Normalize("builtin:/rules//packs/./a/../b");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, "builtin:/rules/packs/b");
}

TEST_F(MountedTree, PathFunctionsServeItWhenMounted) {
  auto text = ReadTextFile("builtin:/rules/README.md", 100);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "readme");
  EXPECT_EQ(ReadTextFile("builtin:/rules/README.md", 3).status().code(),
            Status::Code::kResourceExhausted);
  EXPECT_TRUE(Stat("builtin:/rules").ok());
  EXPECT_TRUE(Lstat("builtin:/rules/packs/a/pack.json").ok());
  auto real = RealPath("builtin:/rules/packs/../packs/a");
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(*real, "builtin:/rules/packs/a");
  auto files = ListFilesRecursive("builtin:/rules/packs/b");
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 1u);
  auto subs = ListSubdirectories("builtin:/rules/packs");
  ASSERT_TRUE(subs.ok());
  EXPECT_EQ(subs->size(), 2u);
  // The compiled-rules cache reads it as trusted private files.
  EXPECT_TRUE(CheckPrivateDir("builtin:/cache").ok());
  auto meta = ReadPrivateFile("builtin:/cache/rules-1.meta", 10);
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(*meta, "m");
}

TEST_F(MountedTree, NothingIsEverWrittenUnderItsNames) {
  EXPECT_EQ(MakePrivateDir("builtin:/cache").code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(CreateOutputFile("builtin:/cache/new", Publish::kOnClose).status().code(),
            Status::Code::kPermissionDenied);
  // Nor was anything made in the working directory under the relative name.
  UnmountMemoryTree();
  EXPECT_FALSE(Lstat("builtin:").ok());
}

TEST(MemoryTree, UnmountedPathsAreOrdinaryNames) {
  UnmountMemoryTree();
  EXPECT_EQ(MemoryTreeFor("builtin:/rules"), nullptr);
  EXPECT_FALSE(Stat("builtin:/rules").ok());  // no such relative folder here
}

}  // namespace
}  // namespace harrier::platform
