#include "report/console.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier {

Console::Console()
    : stdout_tty_(platform::IsTerminal(1)), stderr_tty_(platform::IsTerminal(2)) {
  const char* no_color = std::getenv("NO_COLOR");
  color_ = stdout_tty_ && !(no_color && *no_color);
}

void Console::ClearLocked() {
  if (progress_shown_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    progress_shown_ = false;
  }
}

void Console::Out(std::string_view text) {
  std::lock_guard lock(mu_);
  if (stdout_tty_) ClearLocked();
  bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
  if (stdout_tty_) ok = std::fflush(stdout) == 0 && ok;
  if (!ok) NoteStdoutError();
}

void Console::NoteStdoutError() {
  if (stdout_error_.ok())
    stdout_error_ = Status::IoError(fmt::format("standard output: write: {}",
                                                std::strerror(errno ? errno : EIO)));
}

Status Console::stdout_status() {
  std::lock_guard lock(mu_);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) NoteStdoutError();
  return stdout_error_;
}

void Console::Err(std::string_view text) {
  std::lock_guard lock(mu_);
  ClearLocked();
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Console::Progress(std::string_view line) {
  if (!stderr_tty_) return;
  std::lock_guard lock(mu_);
  std::fputs("\r\033[K", stderr);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  progress_shown_ = true;
}

void Console::ClearProgress() {
  std::lock_guard lock(mu_);
  ClearLocked();
}

void Console::Flush() {
  std::lock_guard lock(mu_);
  if (std::fflush(stdout) != 0) NoteStdoutError();
  std::fflush(stderr);
}

}  // namespace harrier
