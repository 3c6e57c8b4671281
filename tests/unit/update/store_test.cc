// The signature store (src/update/store.h): install, switch, rollback,
// pruning, stale work folders and the trust check readers make.
#include "update/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "platform/fs.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

// Installs a set whose tree holds one rule file; returns its id.
std::string InstallOne(StoreWriter& w, const std::string& marker, int64_t when) {
  auto staging = w.NewStaging();
  EXPECT_TRUE(staging.ok()) << staging.status().ToString();
  EXPECT_TRUE(platform::MakeNewDir(*staging + "/tree").ok());
  EXPECT_TRUE(platform::WriteNewFile(*staging + "/tree/r.yar", marker).ok());
  SetManifest m;
  m.source = "test:" + marker;
  m.sha256 = std::string(64, marker[0]);
  m.fetched_at = when;
  Status s = w.Install(*staging, &m);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return m.id;
}

TEST(SignatureStore, NoStoreIsNotFound) {
  TempDir d;
  auto a = FindActiveSet(d.path() + "/store");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kNotFound);
}

TEST(SignatureStore, InstallSwitchesCurrentKeepsPreviousAndPrunes) {
  TempDir d;
  const std::string store = d.path() + "/store";
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::string a = InstallOne(**w, "a", 1000);
  auto active = FindActiveSet(store);
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(active->id, a);
  EXPECT_EQ(active->manifest.source, "test:a");
  EXPECT_EQ(testing::ReadWholeFile(active->tree + "/r.yar"), "a");
  EXPECT_EQ(*platform::ReadSymlink(store + "/current"), "sets/" + a);

  std::string b = InstallOne(**w, "b", 2000);
  std::string c = InstallOne(**w, "c", 3000);
  EXPECT_EQ(FindActiveSet(store)->id, c);
  EXPECT_EQ(FindInstalledSet(store, "previous")->id, b);
  EXPECT_FALSE(fs::exists(store + "/sets/" + a)) << "the oldest set was not pruned";
  EXPECT_EQ(testing::EntriesIn(store + "/sets"), 2u);

  auto back = (*w)->Rollback();
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(FindActiveSet(store)->id, b);
  EXPECT_EQ(FindInstalledSet(store, "previous")->id, c);
  // Nothing of the work is left in the store.
  for (const auto& e : fs::directory_iterator(store))
    EXPECT_EQ(e.path().filename().string().rfind("tmp-", 0), std::string::npos) << e.path();
}

TEST(SignatureStore, OneWriterAtATimeAndStaleWorkIsRemoved) {
  TempDir d;
  const std::string store = d.path() + "/store";
  {
    auto w = StoreWriter::Open(store);
    ASSERT_TRUE(w.ok());
    auto second = StoreWriter::Open(store);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.status().message().find("another update"), std::string::npos);
    // A killed update's half-written work.
    auto staging = (*w)->NewStaging();
    ASSERT_TRUE(staging.ok());
    d.Write("store/" + fs::path(*staging).filename().string() + "/tree/half.yar", "rule");
  }
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ((*w)->stale_removed(), 1u);
  auto a = FindActiveSet(store);
  EXPECT_EQ(a.status().code(), Status::Code::kNotFound) << "a half-written set became visible";
}

TEST(SignatureStore, ReadersRefuseWhatOthersCouldHaveWritten) {
  TempDir d;
  const std::string store = d.path() + "/store";
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok());
  std::string id = InstallOne(**w, "a", 1000);
  ASSERT_TRUE(FindActiveSet(store).ok());
  auto refused = [&](const std::string& path, mode_t mode, std::string_view why) {
    struct stat st;
    ASSERT_EQ(lstat(path.c_str(), &st), 0);
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    auto a = FindActiveSet(store);
    ASSERT_FALSE(a.ok()) << path;
    EXPECT_EQ(a.status().code(), Status::Code::kPermissionDenied) << a.status().ToString();
    EXPECT_NE(a.status().message().find(why), std::string::npos) << a.status().message();
    ASSERT_EQ(chmod(path.c_str(), st.st_mode & 07777), 0);
    EXPECT_TRUE(FindActiveSet(store).ok());
  };
  refused(store, 0770, "writable by group or others");
  refused(store + "/sets", 0777, "writable by group or others");
  refused(store + "/sets/" + id + "/tree", 0770, "writable by group or others");
  refused(store + "/sets/" + id + "/tree/r.yar", 0666, "writable by group or others");
  refused(store + "/sets/" + id + "/manifest.json", 0620, "writable by group or others");
  // A link planted in the set.
  ASSERT_TRUE(platform::MakeSymlink("/etc", store + "/sets/" + id + "/tree/etc").ok());
  auto a = FindActiveSet(store);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("symbolic link"), std::string::npos);
}

TEST(SignatureStore, CurrentMustNameASetInTheStore) {
  TempDir d;
  const std::string store = d.path() + "/store";
  auto w = StoreWriter::Open(store);
  ASSERT_TRUE(w.ok());
  InstallOne(**w, "a", 1000);
  fs::remove(store + "/current");
  ASSERT_TRUE(platform::MakeSymlink(d.path(), store + "/current").ok());
  auto a = FindActiveSet(store);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kCorrupt) << a.status().ToString();
  fs::remove(store + "/current");
  ASSERT_TRUE(platform::MakeSymlink("sets/../..", store + "/current").ok());
  EXPECT_EQ(FindActiveSet(store).status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace harrier
