// Integration: Serve() on a loopback port, spoken to with raw HTTP over a
// POSIX socket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/server.h"

namespace vetted::server {
namespace {

namespace fs = std::filesystem;

const std::string kIndex = "<!doctype html><title>Home</title><p>Hello.</p>";
const std::string kPage = "<!doctype html><title>Page</title><p>A page.</p>";

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class Client {
 public:
  explicit Client(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};  // never hang the test
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }

  void Send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  // Reads one response; the body is read by Content-Length unless head.
  HttpResponse Read(bool head = false) {
    HttpResponse res;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return res;
    }
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head_text.find("\r\n");
    res.status = std::stoi(head_text.substr(9, 3));
    size_t pos = line_end;
    while (pos != std::string::npos && pos < head_text.size()) {
      size_t next = head_text.find("\r\n", pos + 2);
      std::string line =
          head_text.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      res.headers[name] = line.substr(colon + 2);
      pos = next;
    }
    size_t length = res.headers.count("content-length") ? std::stoul(res.headers["content-length"]) : 0;
    if (head || res.status == 304) length = 0;
    while (buf_.size() < length) {
      if (!Fill()) break;
    }
    res.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return res;
  }

  // True when the server closed the connection (read returns 0 with nothing buffered).
  bool ClosedByServer() {
    if (!buf_.empty()) return false;
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("vetted-serve-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "page");
    std::ofstream(root_ / "index.html") << kIndex;
    std::ofstream(root_ / "page/index.html") << kPage;
    auto site = StaticSite::Open(root_.string());
    ASSERT_TRUE(site.ok());
    site_ = std::make_unique<StaticSite>(*site);
  }
  void TearDown() override {
    if (thread_.joinable()) thread_.join();
    fs::remove_all(root_);
  }

  // Starts Serve in a thread; returns the bound port (0 on failure).
  int Start(ServeControl* control) {
    std::promise<int> bound;
    auto port = bound.get_future();
    ServeOptions opts;
    opts.listen = "127.0.0.1:0";
    opts.threads = 2;
    opts.control = control;
    opts.on_listening = [&bound](int p) { bound.set_value(p); };
    thread_ = std::thread([this, opts] {
      result_ = Serve(*site_, opts, [this](const std::string& line) {
        std::lock_guard<std::mutex> lock(mu_);
        log_.push_back(line);
      });
    });
    if (port.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return 0;
    return port.get();
  }
  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

  fs::path root_;
  std::unique_ptr<StaticSite> site_;
  std::thread thread_;
  Status result_ = Status::Internal("not run");
  std::mutex mu_;
  std::vector<std::string> log_;
};

TEST_F(ServeTest, SpeaksHttpAndStopsCleanly) {
  ServeControl control;
  int port = Start(&control);
  ASSERT_GT(port, 0);

  Client c(port);
  ASSERT_TRUE(c.connected());
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  HttpResponse r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kIndex);
  EXPECT_EQ(r.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(r.headers["x-frame-options"], "DENY");
  EXPECT_FALSE(r.headers["date"].empty());

  // Keep-alive: a second request on the same connection, then a HEAD whose
  // (absent) body must not confuse the next response.
  c.Send("GET /page/ HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kPage);
  c.Send("HEAD /page/ HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.Read(/*head=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], std::to_string(kPage.size()));
  c.Send("GET /page HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.Read();
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.headers["location"], "/page/");
  // Two pipelined requests in one write.
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().body, kIndex);
  EXPECT_EQ(c.Read().status, 404);
  // Connection: close is honoured.
  c.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(c.Read().status, 200);
  EXPECT_TRUE(c.ClosedByServer());

  // Bad requests: 400 (or a limit status) and the connection is closed.
  struct {
    std::string request;
    int status;
  } bad[] = {
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello", 400},
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n" + std::string(20000, 'b'), 413},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.request.substr(0, 60));
    Client bc(port);
    bc.Send(b.request);
    HttpResponse br = bc.Read();
    EXPECT_EQ(br.status, b.status);
    EXPECT_EQ(br.headers["connection"], "close");
    EXPECT_EQ(br.headers["x-content-type-options"], "nosniff");
    EXPECT_TRUE(bc.ClosedByServer());
  }

  // An idle keep-alive connection is closed by the stop; Serve returns Ok.
  Client idle(port);
  idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(idle.Read().status, 200);
  auto t0 = std::chrono::steady_clock::now();
  control.Stop();
  thread_.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
  EXPECT_TRUE(result_.ok()) << result_.message();
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_FALSE(Client(port).connected());

  std::vector<std::string> log = Log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0], "serving " + root_.string() + " on http://127.0.0.1:" + std::to_string(port) + "/");
  int access = 0;
  bool saw_get = false, saw_bad = false;
  for (const std::string& line : log) {
    if (line.rfind("access ", 0) != 0) continue;
    ++access;
    if (line.find("method=GET target=\"/page/\" status=200 bytes=" + std::to_string(kPage.size()) + " us=") !=
        std::string::npos) {
      saw_get = true;
    }
    if (line.find("method=- target=\"-\" status=400") != std::string::npos) saw_bad = true;
  }
  EXPECT_EQ(access, 7 + 6 + 1);
  EXPECT_TRUE(saw_get);
  EXPECT_TRUE(saw_bad);
}

TEST_F(ServeTest, SigtermStops) {
  int port = Start(nullptr);
  ASSERT_GT(port, 0);
  Client c(port);
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().status, 200);
  std::raise(SIGTERM);  // Serve's signal_set is installed before on_listening runs
  thread_.join();
  EXPECT_TRUE(result_.ok()) << result_.message();
}

TEST_F(ServeTest, StopBeforeStartReturnsAtOnce) {
  ServeControl control;
  control.Stop();
  ASSERT_GT(Start(&control), 0);
  thread_.join();
  EXPECT_TRUE(result_.ok());
}

TEST_F(ServeTest, ListenErrors) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string busy = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  struct {
    std::string listen;
    Code code;
  } cases[] = {{"nonsense", Code::kInvalid},
               {"127.0.0.1:", Code::kInvalid},
               {"127.0.0.1:http", Code::kInvalid},
               {"127.0.0.1:99999", Code::kInvalid},
               {busy, Code::kIo}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.listen);
    ServeOptions opts;
    opts.listen = c.listen;
    opts.threads = 1;
    Status st = Serve(*site_, opts, nullptr);
    EXPECT_EQ(st.code(), c.code) << st.message();
  }
  close(fd);
}

}  // namespace
}  // namespace vetted::server
