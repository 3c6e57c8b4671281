// Parsing and printing sizes and durations for options and reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier {

// Parses "123", "64K", "32M", "32MiB", "1G", "2GB" (binary multiples, case-
// insensitive). Returns InvalidArgument on anything else or overflow.
Result<uint64_t> ParseSize(std::string_view text);

// "1.5 GiB", "320 KiB", "17 B".
std::string FormatBytes(uint64_t bytes);

// Lowercase hex of every byte: "\x01\xab" -> "01ab".
std::string HexEncode(std::string_view bytes);
// The inverse (either case); nullopt on an odd length or a non-hex digit.
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace harrier
