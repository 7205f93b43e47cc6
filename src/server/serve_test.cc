// Integration: Serve() on a loopback port, spoken to with raw HTTP over a
// POSIX socket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "server/metrics.h"
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
    if (head || res.status == 304 || res.status == 100) length = 0;
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

// Responses a test handler held back, answered later from the test's thread.
class Deferred {
 public:
  void Push(Request req, Respond respond) {
    std::lock_guard<std::mutex> lock(mu_);
    items_.emplace_back(std::move(req), std::move(respond));
    cv_.notify_all();
  }
  // Waits for one held request; false after 5 s.
  bool Pop(Request& req, Respond& respond) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(5), [this] { return !items_.empty(); })) return false;
    req = std::move(items_.front().first);
    respond = std::move(items_.front().second);
    items_.pop_front();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Request, Respond>> items_;
};

// True once connecting to port fails (within 2 s).
bool StopsAccepting(int port) {
  for (int i = 0; i < 100; ++i) {
    if (!Client(port).connected()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

Response Echo(const Request& req) {
  Response res;
  res.route = "echo";
  res.body = req.method + " " + std::string(req.Path()) + " q=" + std::string(req.Query()) +
             " client=" + req.client + "\n" + req.body;
  res.headers.emplace_back("Content-Type", "text/plain");
  res.headers.emplace_back("Content-Length", std::to_string(res.body.size()));
  if (req.Header("X-Close") == "1") res.close = true;
  return res;
}

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
    // Static files, except /echo (answered at once) and /defer (held in deferred_).
    Handler files = StaticHandler(*site_);
    handler_ = [this, files](Request&& req, Respond respond) {
      if (req.Path() == "/echo") return respond(Echo(req));
      if (req.Path() == "/defer") return deferred_.Push(std::move(req), std::move(respond));
      files(std::move(req), std::move(respond));
    };
  }
  void TearDown() override {
    if (thread_.joinable()) thread_.join();
    fs::remove_all(root_);
  }

  // Starts Serve in a thread; returns the bound port (0 on failure).
  int Start(ServeControl* control, ServeOptions opts = {}) {
    std::promise<int> bound;
    auto port = bound.get_future();
    opts.listen = "127.0.0.1:0";
    opts.threads = 2;
    opts.control = control;
    opts.on_listening = [&bound](int p) { bound.set_value(p); };
    thread_ = std::thread([this, opts] {
      result_ = Serve(handler_, opts, [this](const std::string& line) {
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
  // The access lines, parsed.
  std::vector<nlohmann::json> AccessLog() {
    std::vector<nlohmann::json> out;
    for (const std::string& line : Log()) {
      if (line.empty() || line[0] != '{') continue;
      out.push_back(nlohmann::json::parse(line));
    }
    return out;
  }
  void StopAndJoin(ServeControl& control) {
    control.Stop();
    thread_.join();
    EXPECT_TRUE(result_.ok()) << result_.message();
  }

  fs::path root_;
  std::unique_ptr<StaticSite> site_;
  Handler handler_;
  Deferred deferred_;
  std::thread thread_;
  Status result_ = Status::Internal("not run");
  std::mutex mu_;
  std::vector<std::string> log_;
};

TEST_F(ServeTest, KeepAlivePipeliningHeadAndClose) {
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
  EXPECT_EQ(r.headers["server"], "vetted");
  EXPECT_EQ(r.headers["date"].size(), 29u);
  EXPECT_EQ(r.headers.count("connection"), 0u);
  EXPECT_EQ(r.headers.count("strict-transport-security"), 0u);

  // HEAD: the GET's Content-Length, no body; the next response must not be confused.
  c.Send("HEAD /page/ HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.Read(/*head=*/true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-length"], std::to_string(kPage.size()));
  c.Send("GET /page HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.Read();
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.headers["location"], "/page/");

  // Pipelined in one write, with bodies and a HEAD in between: answered in order.
  c.Send(
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "HEAD /page/ HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().body, kIndex);
  EXPECT_EQ(c.Read().body, "POST /echo q=a=1 client=127.0.0.1\nhello");
  r = c.Read(/*head=*/true);
  EXPECT_EQ(r.headers["content-length"], std::to_string(kPage.size()));
  EXPECT_EQ(c.Read().body, "POST /echo q= client=127.0.0.1\nabc");
  EXPECT_EQ(c.Read().status, 404);

  // Response::close is honoured.
  c.Send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Close: 1\r\n\r\n");
  r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(c.ClosedByServer());

  // Connection: close from the client; HTTP/1.0 closes unless keep-alive.
  struct {
    std::string request;
    bool closed;
    std::string connection;
  } cases[] = {
      {"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true, "close"},
      {"GET / HTTP/1.0\r\n\r\n", true, "close"},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", false, "keep-alive"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.request);
    Client kc(port);
    kc.Send(k.request);
    r = kc.Read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["connection"], k.connection);
    if (k.closed) {
      EXPECT_TRUE(kc.ClosedByServer());
    }
    if (!k.closed) {
      kc.Send(k.request);
      EXPECT_EQ(kc.Read().body, kIndex);
    }
  }
  StopAndJoin(control);
}

// Each request whose framing is ambiguous (or over a limit) is answered by
// Serve itself, with the security headers, and the connection is closed.
TEST_F(ServeTest, RefusesAmbiguousFramingAndClosesTheConnection) {
  ServeControl control;
  int port = Start(&control);
  ASSERT_GT(port, 0);
  struct {
    std::string name, request;
    int status;
  } bad[] = {
      {"CL then TE",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"TE then CL",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
       400},
      {"TE not chunked", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nhello", 400},
      {"TE chunked, identity",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400},
      {"TE on 1.0", "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"space before colon", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", 400},
      {"obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 400},
      {"conflicting CL", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!", 400},
      {"bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400},
      {"missing Host", "GET / HTTP/1.1\r\n\r\n", 400},
      {"garbage", "GARBAGE\r\n\r\n", 400},
      {"bad chunk", "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
      {"big head", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n", 431},
      {"big body",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n" + std::string(20000, 'b'), 413},
      {"big chunked body",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4001\r\n" +
           std::string(0x4001, 'c') + "\r\n0\r\n\r\n",
       413},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.name);
    Client bc(port);
    bc.Send(b.request);
    HttpResponse br = bc.Read();
    EXPECT_EQ(br.status, b.status);
    EXPECT_EQ(br.headers["connection"], "close");
    EXPECT_EQ(br.headers["x-content-type-options"], "nosniff");
    EXPECT_EQ(br.body.find("POST /echo"), std::string::npos);  // the handler never ran
    EXPECT_TRUE(bc.ClosedByServer());
  }
  StopAndJoin(control);
  int bad_requests = 0;
  for (const auto& line : AccessLog()) bad_requests += line["route"] == "bad_request";
  EXPECT_EQ(bad_requests, static_cast<int>(std::size(bad)));
}

TEST_F(ServeTest, ChunkedBodyArrivesDecodedAcrossWrites) {
  ServeControl control;
  int port = Start(&control);
  ASSERT_GT(port, 0);
  Client c(port);
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  c.Send("lo\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n");
  HttpResponse r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /echo q= client=127.0.0.1\nhello, world");

  // Expect: 100-continue gets the interim response before the body is sent.
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(c.Read().status, 100);
  c.Send("body");
  r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "POST /echo q= client=127.0.0.1\nbody");
  StopAndJoin(control);
}

TEST_F(ServeTest, TheBodyLimitIsAskedBeforeTheBodyIsRead) {
  ServeControl control;
  ServeOptions opts;
  opts.body_limit = [](std::string_view method, std::string_view target) -> size_t {
    return method == "POST" && target.substr(0, target.find('?')) == "/echo" ? 8 : 0;
  };
  int port = Start(&control, opts);
  ASSERT_GT(port, 0);
  struct Case {
    const char* name;
    std::string request;
    int status;
  };
  const Case cases[] = {
      {"at the limit", "POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\n\r\n12345678", 200},
      {"over the limit", "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n123456789", 413},
      {"chunked over",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n123456789\r\n0\r\n\r\n",
       413},
      {"GET with a body", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx", 413},
      {"GET without", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 200},
      // Refused instead of 100 Continue: the client never sends the body.
      {"expect continue over",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n", 413},
      // Only the heads are sent: the answer comes without the server waiting
      // for a body (were it waiting, the connection would close at the body
      // timeout without an answer).
      {"a declared gigabyte, head only",
       "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n", 413},
      {"a declared gigabyte on a route taking no body",
       "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n", 413},
      {"chunked, one byte over at its second chunk's size line (its data never sent)",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n4\r\n", 413},
      {"chunked, a chunk of 4 GB declared",
       "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n", 413},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Client client(port);
    client.Send(c.request);
    HttpResponse r = client.Read();
    EXPECT_EQ(r.status, c.status);
    if (c.status == 413) {
      EXPECT_EQ(r.headers["connection"], "close");
      EXPECT_EQ(r.body.find("POST /echo"), std::string::npos);  // the handler never ran
    }
  }
  StopAndJoin(control);
}

// ServeOptions::bodies_in_flight: the bodies being received at once, over
// every connection, are capped; a request that would pass the cap is answered
// 503 before its body is read, and what a request held is given back once its
// handler has it or its connection goes.
TEST_F(ServeTest, BodiesBeingReceivedAtOnceAreCapped) {
  ServeControl control;
  ServeOptions opts;
  opts.bodies_in_flight = 100;
  opts.body_limit = [](std::string_view, std::string_view target) -> size_t {
    return target.substr(0, target.find('?')) == "/echo" ? 80 : 0;
  };
  int port = Start(&control, opts);
  ASSERT_GT(port, 0);
  const std::string head80 =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 80\r\nExpect: 100-continue\r\n\r\n";
  const std::string body30(30, 'b');
  const std::string post30 = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\n" + body30;
  const std::string chunked30 =
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1e\r\n" + body30 + "\r\n0\r\n\r\n";
  Client a(port);
  a.Send(head80);
  ASSERT_EQ(a.Read().status, 100);  // its 80 bytes are counted from here
  a.Send(std::string(10, 'a'));
  for (const std::string& request : {post30, chunked30}) {
    Client b(port);
    b.Send(request);
    HttpResponse r = b.Read();
    EXPECT_EQ(r.status, 503) << request;
    EXPECT_EQ(r.headers["retry-after"], "1");
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_EQ(r.body.find("POST /echo"), std::string::npos) << "the handler never ran";
  }
  a.Send(std::string(70, 'a'));
  HttpResponse done = a.Read();
  EXPECT_EQ(done.status, 200);
  EXPECT_NE(done.body.find(std::string(80, 'a')), std::string::npos);
  {
    Client c(port);  // a's bytes were given back when its handler got them
    c.Send(post30);
    EXPECT_EQ(c.Read().status, 200);
  }
  {
    Client d(port);
    d.Send(head80);
    ASSERT_EQ(d.Read().status, 100);
  }  // gone without its body: given back once the server sees the connection close
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Client e(port);
    e.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 80\r\n\r\n" + std::string(80, 'e'));
    status = e.Read().status;
  }
  EXPECT_EQ(status, 200);
  StopAndJoin(control);
}

// A route may take more than the default 16 KiB (the article API takes whole
// articles), up to its own limit; the default still holds for the others.
TEST_F(ServeTest, ARouteMayTakeALargerBodyUpToItsOwnLimit) {
  ServeControl control;
  ServeOptions opts;
  opts.body_limit = [](std::string_view method, std::string_view target) -> size_t {
    return target.substr(0, target.find('?')) == "/echo" ? 300 * 1024 : 16 * 1024;
  };
  int port = Start(&control, opts);
  ASSERT_GT(port, 0);
  const std::string big(200 * 1024, 'a');
  {
    Client client(port);
    client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
                "\r\n\r\n" + big);
    HttpResponse r = client.Read();
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find(big), std::string::npos);
  }
  {
    Client client(port);
    client.Send("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(big.size()) +
                "\r\n\r\n" + big);
    EXPECT_EQ(client.Read().status, 413);
  }
  {
    Client client(port);
    std::string over(301 * 1024, 'b');
    client.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(over.size()) +
                "\r\n\r\n" + over);
    EXPECT_EQ(client.Read().status, 413);
  }
  StopAndJoin(control);
}

TEST_F(ServeTest, TheOpsListenerMarksItsRequests) {
  handler_ = [](Request&& req, Respond respond) {
    respond(PlainResponse(200, req.ops_listener ? "ops" : "public"));
  };
  for (bool ops : {false, true}) {
    ServeControl control;
    ServeOptions opts;
    opts.ops_listener = ops;
    int port = Start(&control, opts);
    ASSERT_GT(port, 0);
    Client client(port);
    client.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(client.Read().body, ops ? "ops\n" : "public\n");
    StopAndJoin(control);
    std::vector<std::string> log = Log();
    ASSERT_FALSE(log.empty());
    EXPECT_EQ(log[0].rfind(ops ? "ops listening on http://" : "listening on http://", 0), 0u) << log[0];
    std::lock_guard<std::mutex> lock(mu_);
    log_.clear();
  }
}

TEST_F(ServeTest, DeferredRespondFromAnotherThread) {
  ServeControl control;
  Metrics metrics;
  ServeOptions opts;
  opts.metrics = &metrics;
  opts.hsts = "max-age=63072000";
  int port = Start(&control, opts);
  ASSERT_GT(port, 0);

  Client c(port);
  c.Send("GET /defer?x=secret HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  Request held;
  Respond respond;
  ASSERT_TRUE(deferred_.Pop(held, respond));
  EXPECT_EQ(held.target, "/defer?x=secret");
  EXPECT_EQ(held.client, "127.0.0.1");
  std::thread([&] {
    Response res = Echo(held);
    res.route = "deferred";
    respond(std::move(res));
    respond(PlainResponse(500, "ignored: the first answer stands"));
  }).join();
  HttpResponse r = c.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /defer q=x=secret client=127.0.0.1\n");
  EXPECT_EQ(r.headers["strict-transport-security"], "max-age=63072000");
  // The pipelined request waited for the deferred one and comes second.
  EXPECT_EQ(c.Read().body, kIndex);
  StopAndJoin(control);

  std::string text = metrics.Prometheus();
  EXPECT_NE(text.find("vetted_http_requests_total{route=\"deferred\",status=\"200\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("vetted_http_requests_total{route=\"static\",status=\"200\"} 1\n"), std::string::npos);

  // The access log: JSON, without the query string and without the client address.
  std::vector<nlohmann::json> access = AccessLog();
  ASSERT_EQ(access.size(), 2u);
  EXPECT_EQ(access[0]["method"], "GET");
  EXPECT_EQ(access[0]["path"], "/defer");
  EXPECT_EQ(access[0]["route"], "deferred");
  EXPECT_EQ(access[0]["status"], 200);
  EXPECT_EQ(access[0]["bytes"], r.body.size());
  EXPECT_TRUE(access[0]["us"].is_number_unsigned());
  std::string t = access[0]["t"];
  EXPECT_EQ(t.size(), 24u);
  EXPECT_EQ(t.back(), 'Z');
  EXPECT_EQ(access[1]["path"], "/");
  for (const std::string& line : Log()) {
    EXPECT_EQ(line.find("secret"), std::string::npos) << line;
    if (line.rfind("listening on ", 0) != 0) {
      EXPECT_EQ(line.find("127.0.0.1"), std::string::npos) << line;
    }
  }
}

// A stop lets a request being answered finish (and closes idle connections).
TEST_F(ServeTest, StopDrainsADeferredRequest) {
  ServeControl control;
  int port = Start(&control);
  ASSERT_GT(port, 0);
  Client idle(port);
  idle.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(idle.Read().status, 200);

  Client busy(port);
  busy.Send("GET /defer HTTP/1.1\r\nHost: x\r\n\r\n");
  Request held;
  Respond respond;
  ASSERT_TRUE(deferred_.Pop(held, respond));
  auto t0 = std::chrono::steady_clock::now();
  control.Stop();
  EXPECT_TRUE(idle.ClosedByServer());
  EXPECT_TRUE(StopsAccepting(port));
  std::thread([&] { respond(Echo(held)); }).join();
  HttpResponse r = busy.Read();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /defer q= client=127.0.0.1\n");
  EXPECT_EQ(r.headers["connection"], "close");
  EXPECT_TRUE(busy.ClosedByServer());
  thread_.join();
  EXPECT_TRUE(result_.ok()) << result_.message();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST_F(ServeTest, StartLineAndSigterm) {
  int port = Start(nullptr);
  ASSERT_GT(port, 0);
  Client c(port);
  c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.Read().status, 200);
  std::raise(SIGTERM);  // Serve's signal_set is installed before on_listening runs
  thread_.join();
  EXPECT_TRUE(result_.ok()) << result_.message();
  std::vector<std::string> log = Log();
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0], "listening on http://127.0.0.1:" + std::to_string(port) + "/");
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
    std::string hsts;
    Code code;
  } cases[] = {{"nonsense", "", Code::kInvalid},
               {"127.0.0.1:", "", Code::kInvalid},
               {"127.0.0.1:http", "", Code::kInvalid},
               {"127.0.0.1:99999", "", Code::kInvalid},
               {"127.0.0.1:0", "max-age=1\r\nX: y", Code::kInvalid},
               {busy, "", Code::kIo}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.listen);
    ServeOptions opts;
    opts.listen = c.listen;
    opts.hsts = c.hsts;
    opts.threads = 1;
    Status st = Serve(handler_, opts, nullptr);
    EXPECT_EQ(st.code(), c.code) << st.message();
  }
  close(fd);
}

// Not a test: a server for bench/serve-vs-nginx.sh until the db-backed
// `vetted serve` is ready. Serves the folder $VETTED_BENCH_SITE on
// $VETTED_BENCH_LISTEN until SIGTERM; access lines are dropped unless
// $VETTED_BENCH_ACCESS_LOG is set (they then go to stderr).
TEST(ServeBench, DISABLED_ServeFolder) {
  const char* root = std::getenv("VETTED_BENCH_SITE");
  const char* listen = std::getenv("VETTED_BENCH_LISTEN");
  bool access_log = std::getenv("VETTED_BENCH_ACCESS_LOG") != nullptr;
  ASSERT_NE(root, nullptr);
  auto site = StaticSite::Open(root);
  ASSERT_TRUE(site.ok()) << site.status().message();
  ServeOptions opts;
  opts.listen = listen != nullptr ? listen : "127.0.0.1:8081";
  Status st = Serve(StaticHandler(*site), opts, [access_log](const std::string& line) {
    if (access_log || line.empty() || line[0] != '{') std::fprintf(stderr, "%s\n", line.c_str());
  });
  EXPECT_TRUE(st.ok()) << st.message();
}

}  // namespace
}  // namespace vetted::server
