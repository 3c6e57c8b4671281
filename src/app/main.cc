// harrier: entry point. Ctrl-C handling lives in the platform layer; the
// flag is the only process-wide state, because a signal handler needs one.
#include <atomic>

#include "app/cli.h"
#include "platform/fs.h"

namespace {
std::atomic<bool> g_cancel{false};
}  // namespace

int main(int argc, char** argv) {
  harrier::platform::InstallInterruptHandler(&g_cancel);
  return harrier::RunCli(argc, argv, g_cancel);
}
