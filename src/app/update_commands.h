// The signature-update commands: `harrier update` (fetch or import a
// signature archive into the store, src/update/), `harrier bundle` (an
// offline bundle for hosts without network access) and `harrier signatures`
// (what is loaded, from where, how much, and what failed). Kept apart from
// cli.cc like the report commands (report_outputs.h).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/status.h"
#include "update/store.h"

namespace harrier {

struct UpdateCommandOptions {
  std::string url;
  std::string from;
  std::string store;
  std::string sha256;
  std::string public_key;
  std::string ca_file;
  std::string max_download = "256MiB";
  std::string max_unpacked = "1GiB";
  uint64_t max_members = 100000;
  std::string max_member = "64MiB";
  uint64_t max_rule_errors = 0;
  int timeout_s = 600;
  int connect_timeout_s = 30;
  bool rollback = false;
};
CLI::App* AddUpdateCommand(CLI::App& app, UpdateCommandOptions* o);
// Exit codes: 0 installed, already up to date, or rolled back; 2 usage;
// 1 the update failed (the message says which step and why; the active set
// is unchanged).
int RunUpdateCommand(const UpdateCommandOptions& o, const std::atomic<bool>& cancel);

struct BundleCommandOptions {
  std::string out;
  std::string from_dir;  // "" = the active set of the store
  std::string store;
};
CLI::App* AddBundleCommand(CLI::App& app, BundleCommandOptions* o);
// 0 written; 1 failed; 2 usage (e.g. no active set and no --from-dir).
int RunBundleCommand(const BundleCommandOptions& o);

struct SignaturesCommandOptions {
  std::vector<std::string> signatures;  // --signatures DIR
  bool no_builtin = false;
  bool no_updated = false;
  std::string store;
  bool json = false;
  bool no_rules_cache = false;
};
CLI::App* AddSignaturesCommand(CLI::App& app, SignaturesCommandOptions* o);
// 0 everything loaded; 1 some file or line failed to load; 2 usage.
int RunSignaturesCommand(const SignaturesCommandOptions& o);

// For `harrier scan`: the active updated set of `store` ("" = the default
// store) when there is one. NotFound when none is installed; other errors
// (an untrusted or damaged store) are for the caller to refuse.
Result<InstalledSet> ActiveUpdatedSet(const std::string& store);

}  // namespace harrier
