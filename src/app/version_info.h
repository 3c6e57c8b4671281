// `harrier --version`: what was built and which built-in signatures it
// finds, so a report can be matched to the binary and rules that made it.
#pragma once

#include <string>

namespace harrier {

// Lines: "harrier VERSION", "build: COMMIT" (git describe when configured;
// "unknown" outside a git checkout), "libyara: VERSION", and the built-in
// signature set: its folder, its packs' newest "published" date and the
// signature digest a scan with the built-in set alone reports
// (harrier.rules.digest). The set is read and its IOCs parsed for the digest;
// no YARA rule is compiled. When the built-in folder cannot be found or read
// that line says so instead (--version still succeeds).
std::string VersionText();

}  // namespace harrier
