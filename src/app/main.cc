// harrier: entry point. Ctrl-C handling lives in the platform layer; the
// flag is the only process-wide state, because a signal handler needs one.
// A self-contained binary (`make dist`) mounts the signatures it carries
// first (signatures/embedded.h), before any other thread exists.
#include <atomic>
#include <iostream>
#include <string>
#include <vector>

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
  std::vector<std::string> args = harrier::platform::CommandLineUtf8(argc, argv);
  std::vector<char*> arg_ptrs;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  arg_ptrs.push_back(nullptr);
  return harrier::RunCli(static_cast<int>(args.size()), arg_ptrs.data(), g_cancel);
}
