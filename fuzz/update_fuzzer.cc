// The parsers of `harrier update` that see downloaded bytes: member names
// (update/member_path.h), the store's manifest (update/manifest.h), a
// published checksum file (update/verify.h), and unpacking an archive into a
// folder (update/extract.h) with small limits.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "update/extract.h"
#include "update/manifest.h"
#include "update/member_path.h"
#include "update/verify.h"

HARRIER_FUZZ_TARGET(update)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // A confined name has no empty, "." or ".." component and no leading '/'.
  if (auto p = ConfineMemberPath(text.substr(0, 2048)); p.ok()) {
    const std::string& s = *p;
    if (s.empty() || s.front() == '/' || s.back() == '/') __builtin_trap();
    size_t pos = 0;
    while (pos <= s.size()) {
      size_t end = s.find('/', pos);
      if (end == std::string::npos) end = s.size();
      std::string_view part(s.data() + pos, end - pos);
      if (part.empty() || part == "." || part == ".." || part.find('\\') != part.npos)
        __builtin_trap();
      pos = end + 1;
    }
    // Normalising is idempotent.
    auto again = ConfineMemberPath(s);
    if (!again.ok() || *again != s) __builtin_trap();
  }

  // A manifest that parses writes back to one that parses to the same value.
  if (auto m = ParseManifest(text); m.ok()) {
    auto back = ParseManifest(ManifestToJson(*m));
    if (!back.ok() || !(*back == *m)) __builtin_trap();
  }

  if (auto h = ParseChecksumFile(text); h.ok() && !IsSha256Hex(*h)) __builtin_trap();

  // Unpacking: whatever the archive holds, nothing appears outside `dest`.
  static const std::string root = [] {
    std::string t = (std::filesystem::temp_directory_path() / "harrier-fuzz-update-XXXXXX").string();
    if (!mkdtemp(t.data())) std::abort();
    return t;
  }();
  const std::string dest = root + "/d";
  std::error_code ec;
  std::filesystem::remove_all(dest, ec);
  std::filesystem::create_directory(dest, ec);
  ExtractLimits limits;
  limits.max_total_bytes = 1 << 20;
  limits.max_members = 64;
  limits.max_member_bytes = 256 << 10;
  (void)ExtractArchive(text, dest, limits);
  for (const auto& e : std::filesystem::directory_iterator(root, ec))
    if (e.path().filename() != "d") __builtin_trap();
  for (const auto& e : std::filesystem::recursive_directory_iterator(dest, ec))
    if (e.is_symlink()) __builtin_trap();
  std::filesystem::remove_all(dest, ec);
  return 0;
}
