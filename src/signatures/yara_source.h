// YARA source splitting: a tokenizer for YARA rule text and a splitter that
// cuts one rule file into its imports and rules, with the byte range of each
// rule and of its condition, and a reader of a condition's top-level
// `and`/`or` tree. Used by the rule partitioner (yara_partition_plan.h),
// which rewrites conditions per file class, and the literal prefilter
// (yara_prefilter.h).
//
// Contract: the splitter never has to be right about YARA's full grammar,
// only about where rules and conditions begin and end. It understands
// comments, text strings, regular expressions (YARA's only use of '/'; its
// division operator is '\'), hex strings (a '{' right after '=') and the
// rule/section keywords. Anything it does not understand (include
// directives, unbalanced text) is an error: the caller then treats the file
// as one opaque unit, which is always correct, only slower.
// Input is untrusted (user rule folders): bounded, no recursion.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier {

enum class YaraTok : uint8_t {
  kIdent,     // identifiers and keywords: rule, and, pe, uint16, ...
  kStringId,  // $a, $, $a*
  kCountId,   // #a
  kOffsetId,  // @a
  kLengthId,  // !a
  kNumber,    // 0x5a4d, 12, 1.5, 200KB
  kText,      // "..."
  kRegex,     // /.../is
  kHex,       // { 4D 5A ?? }
  kPunct,     // == != <= >= << >> .. and single characters
};

struct YaraToken {
  YaraTok kind;
  uint32_t begin;  // byte offsets into the source
  uint32_t end;
  std::string_view text;
};

// Tokenizes the whole source. Error on an unterminated string, regex, hex
// string or comment, on a byte that starts no token, or on sources over
// 4 GiB.
Result<std::vector<YaraToken>> TokenizeYara(std::string_view src);

struct YaraRuleSpan {
  std::string name;
  bool is_global = false;
  bool is_private = false;
  uint32_t begin = 0;       // first byte of the rule (its modifiers)
  uint32_t end = 0;         // one past the closing '}'
  uint32_t cond_begin = 0;  // the condition expression (after "condition:")
  uint32_t cond_end = 0;    // up to the closing '}' (exclusive)
  // Token index range of the condition in YaraSplit::tokens.
  uint32_t cond_tok_begin = 0;
  uint32_t cond_tok_end = 0;
};

struct YaraSplit {
  std::vector<YaraToken> tokens;
  std::vector<std::string> imports;  // module names, in order
  std::vector<YaraRuleSpan> rules;   // in source order
};

// Splits a rule file. Error for include directives and anything that is not
// a sequence of imports and rules.
Result<YaraSplit> SplitYara(std::string_view src);

// A YARA integer literal: decimal, 0x hex or 0o octal, optionally with a
// KB or MB suffix; false for anything else (floats, overflow).
bool ParseYaraNumber(std::string_view s, uint64_t* out);

// A condition read as a tree of top-level `or` / `and` (`and` binds
// tighter), with parentheses around a whole subexpression stripped; every
// other subexpression (anything under `not`, a `for`, an `of`, a
// comparison) is a leaf. Shared by the partitioner and the prefilter.
struct YaraCondNode {
  enum Kind : uint8_t { kAnd, kOr, kLeaf } kind = kLeaf;
  uint32_t tb = 0, te = 0;  // token range, outer parentheses stripped
  std::vector<int> kids;    // kAnd / kOr: operands, in order
  // A leaf standing for a malformed and/or (an empty operand): nothing
  // can be said of it.
  bool malformed = false;
};
struct YaraCondTree {
  // Operands come before their operator; a malformed operator leaves the
  // operands read before the empty one unreferenced in the vector.
  std::vector<YaraCondNode> nodes;
  int root = -1;
};
// Reads tokens [b, e) of `tokens`. Nullopt when its parentheses do not
// balance. Operators nested deeper than 64 are read as one leaf.
std::optional<YaraCondTree> ReadYaraCondition(const std::vector<YaraToken>& tokens, uint32_t b,
                                              uint32_t e);

}  // namespace harrier
