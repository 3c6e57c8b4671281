#include "testutil/testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace harrier::testing {
namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "harrier-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  // Make everything writable/readable again so removal succeeds.
  for (auto it = fs::recursive_directory_iterator(path_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path_, ec);
}

std::string TempDir::Write(std::string_view rel, std::string_view content) const {
  fs::path p = fs::path(path_) / fs::path(std::string(rel));
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(content.data(), static_cast<std::streamsize>(content.size()));
  return p.string();
}

std::string TempDir::Mkdir(std::string_view rel) const {
  fs::path p = fs::path(path_) / fs::path(std::string(rel));
  fs::create_directories(p);
  return p.string();
}

std::string HarrierBinary() { return HARRIER_BINARY; }

std::string SourceDir() { return HARRIER_SOURCE_DIR; }

std::string SharedDir() {
  if (const char* e = std::getenv("HARRIER_SHARED_DIR"); e && *e) return e;
  std::error_code ec;
  return fs::is_directory(HARRIER_SHARED_DIR, ec) ? fs::canonical(HARRIER_SHARED_DIR).string() : "";
}

std::string SignatureBaseDir() {
  std::string s = SharedDir();
  if (s.empty()) return "";
  std::error_code ec;
  return fs::is_directory(s + "/signature-base/yara", ec) ? s + "/signature-base" : "";
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

namespace {
struct SignalPlan {
  std::string_view trigger;
  int delay_ms = 0;
  int sig = 0;
  int times = 1;  // sent `delay_ms` apart
};
RunResult Run(const std::vector<std::string>& argv, const RunOptions& opts,
              const SignalPlan* plan);
RunOptions WithTimeout(int timeout_s) {
  RunOptions o;
  o.timeout_s = timeout_s;
  return o;
}

std::vector<std::string> HarrierArgv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HarrierBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}
}  // namespace

std::string FindProgram(std::string_view name) {
  for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/", "/usr/local/bin/"}) {
    std::string p = dir + std::string(name);
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

RunResult RunProgram(const std::vector<std::string>& argv, int timeout_s) {
  return Run(argv, WithTimeout(timeout_s), nullptr);
}

RunResult RunProgram(const std::vector<std::string>& argv, const RunOptions& opts) {
  return Run(argv, opts, nullptr);
}

RunResult RunHarrier(const std::vector<std::string>& args, int timeout_s) {
  return Run(HarrierArgv(args), WithTimeout(timeout_s), nullptr);
}

RunResult RunHarrierAndSignal(const std::vector<std::string>& args,
                              std::string_view when_stdout_has, int delay_ms, int sig,
                              int timeout_s, int times) {
  SignalPlan plan{when_stdout_has, delay_ms, sig, times};
  return Run(HarrierArgv(args), WithTimeout(timeout_s), &plan);
}

namespace {
// REQUIRES: argv[0] is the program's path (no PATH search, no shell).
RunResult Run(const std::vector<std::string>& argv_in, const RunOptions& opts,
              const SignalPlan* plan) {
  const int timeout_s = opts.timeout_s;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  if (!opts.stdin_path.empty())
    posix_spawn_file_actions_addopen(&fa, 0, opts.stdin_path.c_str(), O_RDONLY, 0);
  if (!opts.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, opts.cwd.c_str());
  std::vector<std::string> argv_s = argv_in;
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "NO_COLOR=", 9) != 0 && std::strncmp(*e, "HARRIER_NO_LOG=", 15) != 0 &&
        std::strncmp(*e, "HARRIER_LOG_DIR=", 16) != 0)
      env_s.emplace_back(*e);
  }
  env_s.emplace_back("NO_COLOR=1");
  if (!opts.default_log) env_s.emplace_back("HARRIER_NO_LOG=1");
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid;
  const auto started = std::chrono::steady_clock::now();
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0)
    throw std::runtime_error("posix_spawn failed");
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool killed = false;
  bool signalled = false;  // all `times` signals sent
  int sent = 0;
  std::chrono::steady_clock::time_point signal_at = std::chrono::steady_clock::time_point::max();
  while (open_fds > 0) {
    auto now = std::chrono::steady_clock::now();
    if (plan && !signalled && signal_at == std::chrono::steady_clock::time_point::max() &&
        (plan->trigger.empty() || r.out.find(plan->trigger) != std::string::npos))
      signal_at = now + std::chrono::milliseconds(plan->delay_ms);
    if (plan && !signalled && now >= signal_at) {
      kill(pid, plan->sig);
      signalled = ++sent >= plan->times;
      signal_at = now + std::chrono::milliseconds(plan->delay_ms);
    }
    auto until = deadline;
    if (plan && !signalled && signal_at < until) until = signal_at;
    int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  until - now).count());
    if (until != deadline && ms <= 0) continue;
    if (ms <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    if (poll(fds, 2, ms) < 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  r.max_rss_kb = ru.ru_maxrss;
  r.exit_code = (!killed && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return r;
}
}  // namespace

std::string MakeDeepTree(const std::string& root, const std::string& name, int levels,
                         const std::string& leaf, std::string_view content) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  std::string path = root;
  for (int i = 0; i < levels && fd >= 0; ++i) {
    mkdirat(fd, name.c_str(), 0755);
    int next = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(fd);
    fd = next;
    path += "/" + name;
  }
  if (fd < 0) return "";
  int f = openat(fd, leaf.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (f >= 0) {
    (void)!write(f, content.data(), content.size());
    close(f);
  }
  close(fd);
  return path + "/" + leaf;
}

namespace {
void RemoveBelow(int dirfd) {
  int dup_fd = dup(dirfd);
  DIR* d = fdopendir(dup_fd);
  if (!d) {
    close(dup_fd);
    return;
  }
  std::vector<std::string> names;
  while (struct dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  for (const auto& n : names) {
    int sub = openat(dirfd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub >= 0) {
      RemoveBelow(sub);
      close(sub);
      unlinkat(dirfd, n.c_str(), AT_REMOVEDIR);
    } else {
      unlinkat(dirfd, n.c_str(), 0);
    }
  }
}
}  // namespace

void RemoveDeepTree(const std::string& root, const std::string& name) {
  int fd = open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  int sub = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (sub >= 0) {
    RemoveBelow(sub);
    close(sub);
    unlinkat(fd, name.c_str(), AT_REMOVEDIR);
  }
  close(fd);
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

size_t EntriesIn(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(dir, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  std::string path = SourceDir() + "/tests/golden/" + name;
  if (const char* u = std::getenv("HARRIER_UPDATE_GOLDEN"); u && *u == '1') {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "updated " << path;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << "missing golden " << path << " (HARRIER_UPDATE_GOLDEN=1)";
  EXPECT_EQ(ReadWholeFile(path), actual) << "golden " << name << " differs";
}

}  // namespace harrier::testing
