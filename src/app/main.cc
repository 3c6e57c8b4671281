// harrier: entry point. Installs the Ctrl-C handler (first SIGINT/SIGTERM
// asks the pipeline to stop and report; a second one exits at once).
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include <atomic>

#include "app/cli.h"

namespace {
std::atomic<bool> g_cancel{false};  // the only process-wide flag: signals need one

void OnSignal(int) {
  if (g_cancel.exchange(true)) _exit(130);
  static const char kMsg[] = "\nharrier: interrupted, finishing the report (Ctrl-C again to abort)\n";
  (void)!write(2, kMsg, sizeof kMsg - 1);
}
}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return harrier::RunCli(argc, argv, g_cancel);
}
