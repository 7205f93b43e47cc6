// Helpers for the whole-program tests: running the vetted binary, a
// `vetted serve` child process on a free loopback port, temporary folders.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace vetted::testing {

namespace fs = std::filesystem;

inline std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `vetted ARGS`; returns its exit code, with stdout and stderr in *out.
inline int RunVetted(const std::string& args, std::string* out = nullptr) {
  std::string cmd = std::string(VETTED_BIN) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  std::string text;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
  int status = pclose(p);
  if (out) *out = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A fresh, empty folder under the system's temp folder.
inline fs::path TempDir(const std::string& name) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("vetted-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A TCP connection to 127.0.0.1:port with a 5 s receive timeout; -1 on failure.
inline int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// GET http://127.0.0.1:port/target on a new connection (Connection: close);
// the whole response, head and body; "" when the connection fails.
inline std::string HttpGet(int port, const std::string& target) {
  int fd = Connect(port);
  if (fd < 0) return "";
  std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return "";
  }
  std::string out;
  char buf[8192];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

// A `vetted serve` child process; stderr goes to a log file.
class Server {
 public:
  explicit Server(const std::string& db, const std::vector<std::string>& extra = {})
      : Server(Command{{"serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2"}}, extra) {}
  // Any command that prints "listening on http://127.0.0.1:PORT/" (e.g. `vetted dev SITE`).
  struct Command {
    std::vector<std::string> args;
  };
  Server(const Command& command, const std::vector<std::string>& extra) {
    log_ = fs::temp_directory_path() / ("vetted-serve-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<uintptr_t>(this)) + ".log");
    pid_ = fork();
    if (pid_ == 0) {
      FILE* f = std::fopen(log_.c_str(), "w");
      dup2(fileno(f), 2);
      dup2(fileno(f), 1);
      std::vector<std::string> args = {VETTED_BIN};
      args.insert(args.end(), command.args.begin(), command.args.end());
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(VETTED_BIN, argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string text = Read(log_);
      size_t at = text.find("http://127.0.0.1:");
      if (at != std::string::npos) port_ = std::atoi(text.c_str() + at + 17);
    }
  }
  ~Server() {
    if (pid_ > 0 && !waited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    fs::remove(log_);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return Read(log_); }
  // Sends `sig` and waits; returns the exit code (or 128 + signal).
  int Stop(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool waited_ = false;
  fs::path log_;
};

}  // namespace vetted::testing
