// File type by magic bytes (THOR/LOKI-style names that signature-base rules
// compare the `filetype` external with: "EXE", "ELF", "MACH-O", "ZIP", ...)
// and the default file selection.
//
// Default selection (docs/scanning.md): a file is scanned when its extension
// is one of kRelevantExtensions OR its first bytes are a relevant type
// (executables, scripts, archives, documents, memory dumps). Media, fonts
// and other data formats are skipped with reason "type". Renamed executables
// are still caught by magic. --all-files scans every regular file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace harrier {

// Bytes of header DetectFileType looks at (and the reader peeks first).
constexpr size_t kFileTypeHeaderBytes = 512;

// "" when unknown. Never reads beyond `header`.
std::string_view DetectFileType(std::span<const uint8_t> header);

// Lowercase extension without the dot ("" if none), from a file name.
std::string ExtensionOf(std::string_view file_name);

bool IsRelevantExtension(std::string_view lower_ext);
bool IsRelevantFileType(std::string_view filetype);

}  // namespace harrier
