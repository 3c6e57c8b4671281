// harrier: entry point. Ctrl-C handling lives in the platform layer; the
// flag is the only process-wide state, because a signal handler needs one.
// A self-contained binary (`make dist`) mounts the signatures it carries
// first (signatures/embedded.h), before any other thread exists.
#include <atomic>
#include <iostream>

#include "app/cli.h"
#include "platform/fs.h"
#include "signatures/embedded.h"

namespace {
std::atomic<bool> g_cancel{false};
}  // namespace

int main(int argc, char** argv) {
  if (auto mounted = harrier::MountEmbeddedSignatures(); !mounted.ok()) {
    std::cerr << "harrier: the signatures built into this binary are damaged: "
              << mounted.status().message() << "\n";
    return 2;
  }
  harrier::platform::InstallInterruptHandler(&g_cancel);
  return harrier::RunCli(argc, argv, g_cancel);
}
