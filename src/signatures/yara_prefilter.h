// Literal prefilter of the fast path (issue 5).
//
// Most signature-base rules cannot match unless one of their own strings
// does (`filesize < 200KB and 2 of them`), and most of those strings are
// plain literals. libyara evaluates every such rule's condition on every
// file anyway; on small files that bytecode is most of the cost. The
// prefilter finds, per file, which of these rules have a literal somewhere
// in the data; the scanner disables the others for that file
// (yr_rule_disable on a per-worker copy of the rule set).
//
// Soundness contract (the match set stays that of --yara-reference):
//  * a rule is a prefilter rule only when
//      - its condition is false unless one of a set G of its strings
//        matches, G being all literals (its "gate"): the condition is read
//        as a tree of top-level `or` (every child needs one of its own
//        set; G = their union) and `and` (one child's set will do: the
//        one with the longest shortest literal, the rarest) over
//        leaves `$a`, `$a at/in ...`, `any|N>=1 of them|($a, $b*)`,
//        `all of ...` (any one member), `#a > N`, `#a >= N>=1`,
//        `#a == N>=1`; any other leaf (including `not ...`) needs nothing;
//      - a literal is a text string without xor/base64 (searched as is), or
//        a hex string (searched: its longest run of plain bytes outside
//        alternatives and jumps, which occurs wherever the string matches);
//        each form searched (ascii, wide) is at least `min_literal` bytes;
//      - it is not global and no rule of its namespace names it (libyara
//        makes a disabled rule undefined, not false, where it is named);
//  * such a rule with no literal of G in the file cannot match, so it may
//    be switched off (yr_rule_disable: its condition is skipped, but
//    libyara still searches and verifies its strings) or left out of the
//    set altogether (the "lean" class sets, yara_partition.h: this also
//    saves the verification of its slow strings, e.g. a regex with
//    `[^\x0d]*` that runs to the end of the file at every atom hit);
//  * a literal is searched ASCII-case-folded on both sides, which finds a
//    superset of the places where the string can match (nocase, fullword,
//    private and case-sensitive strings alike): a rule with no literal in
//    the data cannot match, so disabling it changes no result;
//  * anything the analysis does not understand keeps the rule enabled.
// The scan-time half, the search itself, is LiteralFilter (literal_filter.h).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "signatures/yara_rules.h"

namespace harrier {

struct PrefilterRule {
  std::string ns;    // namespace (YaraSource::name)
  std::string name;  // rule identifier
  std::vector<std::string> literals;  // of the gate, ASCII-case-folded
  // A regex string repeats a class, '.', an escape class or a group
  // without bound (`[^\x0d]*`): libyara's verification of it can run to the
  // end of the file at every atom hit, so leaving the rule out of the set
  // (lean sets) saves far more than switching it off.
  bool slow = false;
};

// The prefilter rules of `sources` (files the splitter cannot read add
// none). `min_literal` >= 4.
std::vector<PrefilterRule> FindPrefilterRules(const std::vector<YaraSource>& sources,
                                              size_t min_literal = 4);

// ASCII lower-casing used on both sides of the search.
uint8_t FoldAscii(uint8_t c);

}  // namespace harrier
