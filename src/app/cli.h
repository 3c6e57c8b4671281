// The command line: `harrier scan`, `harrier rules check`, `--help`,
// `--version`. Parses with CLI11 (exceptions caught here and turned into
// exit code 2 with a message).
#pragma once

#include <atomic>

namespace harrier {

// Entry point used by main(); returns the process exit code.
// `cancel` is set by the SIGINT handler.
int RunCli(int argc, char** argv, std::atomic<bool>& cancel);

}  // namespace harrier
