// Console: the process's terminal output. Owns the one-line progress display
// on stderr so that other output first clears it. All writes to stdout and
// stderr by reporters go through here.
// Thread-safety: all methods lock.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier {

class Console {
 public:
  Console();
  bool stdout_tty() const { return stdout_tty_; }
  bool stderr_tty() const { return stderr_tty_; }
  bool color() const { return color_; }
  void set_color(bool on) { color_ = on; }

  void Out(std::string_view text);   // stdout
  void Err(std::string_view text);   // stderr
  // Replaces the progress line (only when stderr is a TTY).
  void Progress(std::string_view line);
  void ClearProgress();
  void Flush();
  // The first failed write or flush of stdout (a full disk behind
  // `> FILE`, a closed pipe), sticky; Ok when none.
  Status stdout_status();

 private:
  void ClearLocked();
  void NoteStdoutError();  // REQUIRES: mu_ held
  std::mutex mu_;
  bool stdout_tty_, stderr_tty_, color_;
  bool progress_shown_ = false;
  Status stdout_error_ = Status::Ok();
};

}  // namespace harrier
