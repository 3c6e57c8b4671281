#include "signatures/embedded.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <fmt/format.h>

#include "platform/memory_tree.h"

// Defined by the payload object of a self-contained build; absent (null)
// otherwise.
#ifdef _WIN32
// PE/COFF has no weak undefined symbols: the Windows build carries no
// payload (its signatures are the rules folder beside harrier.exe).
namespace {
constexpr const uint8_t* harrier_embedded_payload = nullptr;
constexpr const uint8_t* harrier_embedded_payload_end = nullptr;
}  // namespace
#else
extern "C" {
extern const uint8_t harrier_embedded_payload[] __attribute__((weak));
extern const uint8_t harrier_embedded_payload_end[] __attribute__((weak));
}
#endif

namespace harrier {

namespace {
// The built-in rules and their compiled sets are a few MiB; this only stops
// a broken build from making a binary that unpacks gigabytes.
constexpr uint64_t kMaxPayloadBytes = 512ULL << 20;
}  // namespace

std::span<const uint8_t> EmbeddedPayload() {
  const uint8_t* b = harrier_embedded_payload;
  const uint8_t* e = harrier_embedded_payload_end;
  if (b == nullptr || e == nullptr || e <= b) return {};
  return {b, static_cast<size_t>(e - b)};
}

Result<std::map<std::string, std::string>> UnpackPayload(std::span<const uint8_t> payload,
                                                         uint64_t max_bytes) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), payload.data(), payload.size()) != ARCHIVE_OK)
    return Status::Corrupt(fmt::format("embedded signatures: {}", archive_error_string(a.get())));
  std::map<std::string, std::string> files;
  uint64_t total = 0;
  archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK)
      return Status::Corrupt(fmt::format("embedded signatures: {}", archive_error_string(a.get())));
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    while (name.starts_with("./")) name.erase(0, 2);
    while (name.starts_with("/")) name.erase(0, 1);
    if (name.empty() || name == ".." || name.starts_with("../") ||
        name.find("/../") != std::string::npos || name.ends_with("/.."))
      return Status::Corrupt(fmt::format("embedded signatures: bad member name '{}'", name));
    std::string content;
    const void* buf = nullptr;
    size_t len = 0;
    la_int64_t off = 0;
    while ((rc = archive_read_data_block(a.get(), &buf, &len, &off)) == ARCHIVE_OK) {
      total += len;
      if (total > max_bytes)
        return Status::ResourceExhausted(
            fmt::format("embedded signatures: more than {} bytes", max_bytes));
      if (static_cast<uint64_t>(off) > content.size()) content.resize(static_cast<size_t>(off));
      content.append(static_cast<const char*>(buf), len);
    }
    if (rc != ARCHIVE_EOF)
      return Status::Corrupt(fmt::format("embedded signatures: {}: {}", name,
                                         archive_error_string(a.get())));
    files["/" + name] = std::move(content);
  }
  return files;
}

Result<bool> MountEmbeddedSignatures() {
  auto payload = EmbeddedPayload();
  if (payload.empty()) return false;
  auto files = UnpackPayload(payload, kMaxPayloadBytes);
  if (!files.ok()) return files.status();
  platform::MountMemoryTree(platform::MemoryTree(std::move(*files)));
  return true;
}

std::string EmbeddedRulesCacheDir() {
  std::string dir = std::string(platform::kMemoryTreePrefix) + "/cache";
  const platform::MemoryTree* t = platform::MountedMemoryTree();
  if (t == nullptr) return "";
  auto st = t->Stat(dir);
  return st.ok() ? dir : "";
}

}  // namespace harrier
