// The socket half of the server: Boost.Beast HTTP/1.1 over Asio. This is the
// only file that includes Boost (it is slow to compile); request logic lives in
// StaticSite::Handle and never sees a socket.
//
// Shape (after Beast's example/advanced/server): one Listener accepts on its
// strand and starts a Session per connection, each on its own strand; N
// threads run the io_context. Shutdown closes the acceptor, closes idle
// connections, lets responses being written finish, and cuts whatever is left
// after kShutdownGrace.
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/server.h"
#include "util/util.h"

namespace vetted::server {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using LogFn = std::function<void(const std::string&)>;

// Limits and timeouts.
constexpr uint32_t kHeaderLimit = 8 * 1024;                 // request line + header fields
constexpr uint64_t kBodyLimit = 16 * 1024;                  // request body
constexpr auto kRequestTimeout = std::chrono::seconds(10);  // new connection's first bytes; whole request
constexpr auto kIdleTimeout = std::chrono::seconds(60);     // keep-alive wait for the next request
constexpr auto kWriteTimeout = std::chrono::seconds(30);    // one response
constexpr auto kLingerTimeout = std::chrono::seconds(2);    // draining input after an error response
constexpr auto kShutdownGrace = std::chrono::seconds(5);    // in-flight work allowed after a stop
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);  // after EMFILE and the like
constexpr size_t kReadChunk = 4096;

std::string HttpDate() {
  std::time_t now = std::time(nullptr);
  std::tm gmt{};
  gmtime_r(&now, &gmt);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &gmt);
  return std::string(buf, n);
}

// Quotes s for a log line: printable ASCII kept, '"' and '\' escaped, other bytes as \xNN.
std::string LogQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Status for a request Beast refused to parse.
int StatusForParseError(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  return 400;
}

class Server;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Server> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}
  ~Session();
  void Start();
  void Stop();  // any thread

 private:
  struct Pending {  // what the access log needs once the write is done
    std::string method, target;
    int status = 0;
    size_t bytes = 0;
    Clock::time_point start;
    bool close = false;
  };

  void WaitForRequest(Clock::duration timeout);
  void ReadRequest();
  void OnRead(beast::error_code ec);
  void Respond(const Response& res, unsigned version, bool head, Pending pending);
  template <class Body>
  void Write(std::shared_ptr<http::response<Body>> msg, Pending pending);
  void OnWrite(beast::error_code ec, const Pending& pending);
  void CloseGracefully();
  void Linger(std::shared_ptr<std::vector<char>> sink, Clock::time_point deadline);

  beast::tcp_stream stream_;
  std::shared_ptr<Server> server_;  // shared: sessions may outlive Serve's frame while the io_context dies
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool writing_ = false;
};

class Server : public std::enable_shared_from_this<Server> {
 public:
  Server(net::io_context& ioc, const StaticSite& site, const LogFn& log)
      : ioc_(ioc),
        strand_(net::make_strand(ioc)),
        acceptor_(strand_),
        signals_(strand_),
        drain_(strand_),
        site_(site),
        log_(log) {}

  Status Listen(const std::string& listen, int* port);
  void Start();
  void Shutdown();  // any thread; idempotent
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const StaticSite& site() const { return site_; }
  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (log_) log_(line);
  }
  void Register(Session* s, std::weak_ptr<Session> w) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.emplace(s, std::move(w));
  }
  void Unregister(Session* s) {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_.erase(s);
  }

 private:
  void Accept();
  void Drain(Clock::time_point deadline);

  net::io_context& ioc_;
  net::strand<net::io_context::executor_type> strand_;  // acceptor, signals, drain timer
  tcp::acceptor acceptor_;
  net::signal_set signals_;
  net::steady_timer drain_;
  const StaticSite& site_;
  const LogFn& log_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::mutex log_mu_;
};

// ---- Session ----

Session::~Session() {
  server_->Unregister(this);
}

void Session::Start() {
  server_->Register(this, weak_from_this());
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this()] { self->WaitForRequest(kRequestTimeout); });
}

void Session::Stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->writing_) self->stream_.cancel();
  });
}

// Waits up to `timeout` for the first bytes of a request, then reads it
// under kRequestTimeout. Pipelined bytes already buffered skip the wait.
void Session::WaitForRequest(Clock::duration timeout) {
  if (server_->stopping()) return CloseGracefully();
  if (buffer_.size() > 0) return ReadRequest();
  stream_.expires_after(timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            if (ec) return;  // eof, timeout or stop: the session ends
                            self->buffer_.commit(n);
                            self->ReadRequest();
                          });
}

void Session::ReadRequest() {
  if (server_->stopping()) return CloseGracefully();
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(kBodyLimit);
  stream_.expires_after(kRequestTimeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
}

void Session::OnRead(beast::error_code ec) {
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset || ec == net::error::eof) {
    return;
  }
  Pending pending{"-", "-", 0, 0, Clock::now(), true};
  if (ec)
    return Respond(PlainResponse(StatusForParseError(ec), "Bad Request"), 11, false, std::move(pending));
  const auto& msg = parser_->get();
  pending.method = std::string(msg.method_string());
  pending.target = std::string(msg.target());
  // Beast refuses Content-Length with chunked; also refuse any other
  // Transfer-Encoding, which would leave the body length ambiguous.
  bool has_te = msg.count(http::field::transfer_encoding) > 0;
  if (has_te && (msg.count(http::field::content_length) > 0 || !msg.chunked())) {
    return Respond(PlainResponse(400, "Bad Request"), msg.version(), false, std::move(pending));
  }
  Request req;
  req.method = pending.method;
  req.target = pending.target;
  for (const auto& f : msg) req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  req.body = msg.body();
  pending.close = !msg.keep_alive();
  Respond(server_->site().Handle(req), msg.version(), req.method == "HEAD", std::move(pending));
}

void Session::Respond(const Response& res, unsigned version, bool head, Pending pending) {
  pending.status = res.status;
  pending.bytes = head ? 0 : res.body.size();
  pending.close = pending.close || server_->stopping();
  auto fill = [&](auto& msg) {
    msg.version(version);
    msg.result(static_cast<unsigned>(res.status));
    msg.set(http::field::date, HttpDate());
    for (const auto& [name, value] : res.headers) msg.insert(name, value);
    msg.keep_alive(!pending.close);
  };
  if (head) {
    auto msg = std::make_shared<http::response<http::empty_body>>();
    fill(*msg);
    Write(std::move(msg), std::move(pending));
  } else {
    auto msg = std::make_shared<http::response<http::string_body>>();
    fill(*msg);
    msg->body() = res.body;
    Write(std::move(msg), std::move(pending));
  }
}

template <class Body>
void Session::Write(std::shared_ptr<http::response<Body>> msg, Pending pending) {
  writing_ = true;
  stream_.expires_after(kWriteTimeout);
  auto& ref = *msg;
  http::async_write(stream_, ref,
                    [self = shared_from_this(), msg = std::move(msg), pending = std::move(pending)](
                        beast::error_code ec, size_t) { self->OnWrite(ec, pending); });
}

void Session::OnWrite(beast::error_code ec, const Pending& pending) {
  writing_ = false;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - pending.start).count();
  server_->Log("access method=" + pending.method + " target=" + LogQuote(pending.target) +
               " status=" + std::to_string(pending.status) + " bytes=" + std::to_string(pending.bytes) +
               " us=" + std::to_string(us) + (ec ? " error=" + LogQuote(ec.message()) : ""));
  if (ec) return;
  if (pending.close || server_->stopping()) return CloseGracefully();
  WaitForRequest(kIdleTimeout);
}

// Half-closes, then reads and discards until the peer closes (bounded by
// kLingerTimeout) so unread input does not turn our close into a reset that
// destroys the response we just sent.
void Session::CloseGracefully() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec || server_->stopping()) return;
  Linger(std::make_shared<std::vector<char>>(kReadChunk), Clock::now() + kLingerTimeout);
}

void Session::Linger(std::shared_ptr<std::vector<char>> sink, Clock::time_point deadline) {
  stream_.expires_at(deadline);
  auto& buf = *sink;
  stream_.async_read_some(net::buffer(buf), [self = shared_from_this(), sink = std::move(sink), deadline](
                                                beast::error_code ec, size_t) mutable {
    if (!ec) self->Linger(std::move(sink), deadline);
  });
}

// ---- Server ----

Status Server::Listen(const std::string& listen, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    return Status::Invalid("listen address must be host:port, got \"" + listen + "\"");
  }
  std::string host = listen.substr(0, colon);
  std::string service = listen.substr(colon + 1);
  constexpr size_t kMaxPortDigits = 5;
  constexpr long kMaxPort = 65535;
  bool numeric = service.size() <= kMaxPortDigits &&
                 service.find_first_not_of("0123456789") == std::string::npos &&
                 std::stol(service) <= kMaxPort;
  if (!numeric) return Status::Invalid("listen port must be a number 0-65535, got \"" + service + "\"");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto results = resolver.resolve(host, service, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) return Status::Invalid("cannot resolve \"" + listen + "\": " + ec.message());
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot listen on " + listen + ": " + ec.message());
  *port = acceptor_.local_endpoint().port();
  return Status::Ok();
}

void Server::Start() {
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](beast::error_code ec, int) {
    if (!ec) Shutdown();
  });
  net::dispatch(strand_, [this] { Accept(); });
}

void Server::Accept() {
  if (stopping()) return;
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping() || ec == net::error::operation_aborted) return;
    if (ec) {
      Log("error accepting: " + ec.message());
      drain_.expires_after(kAcceptRetryDelay);
      drain_.async_wait([this](beast::error_code wec) {
        if (!wec) Accept();
      });
      return;
    }
    std::make_shared<Session>(std::move(socket), shared_from_this())->Start();
    Accept();
  });
}

void Server::Shutdown() {
  if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
  net::post(strand_, [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    drain_.cancel();
    Drain(Clock::now() + kShutdownGrace);
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Stop();
}

// Polls until every session has ended, or stops the io_context at deadline.
void Server::Drain(Clock::time_point deadline) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (sessions_.empty()) return;
  }
  if (Clock::now() >= deadline) {
    Log("shutdown: grace period over, closing remaining connections");
    ioc_.stop();
    return;
  }
  drain_.expires_after(kShutdownPoll);
  drain_.async_wait([this, deadline](beast::error_code) { Drain(deadline); });
}

void RunLoop(net::io_context& ioc, Server& server) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      server.Log(std::string("error: ") + e.what());
    }
  }
}

}  // namespace

// Detaches the control's stop action before the server it points to dies.
class ControlGuard {
 public:
  ControlGuard(ServeControl* control, const std::shared_ptr<Server>& server) : control_(control) {
    if (control_ != nullptr) control_->OnStop([server] { server->Shutdown(); });
  }
  ~ControlGuard() {
    if (control_ != nullptr) control_->OnStop(nullptr);
  }
  ControlGuard(const ControlGuard&) = delete;
  ControlGuard& operator=(const ControlGuard&) = delete;

 private:
  ServeControl* control_;
};

Status Serve(const StaticSite& site, const ServeOptions& options, const LogFn& log) {
  try {
    unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : util::WorkerCount();
    // Declared first so it is destroyed last: its pending handlers own sessions.
    net::io_context ioc(static_cast<int>(threads));
    auto server = std::make_shared<Server>(ioc, site, log);
    int port = 0;
    Status st = server->Listen(options.listen, &port);
    if (!st.ok()) return st;
    server->Start();
    ControlGuard guard(options.control, server);
    std::string host = options.listen.substr(0, options.listen.rfind(':'));
    if (host.empty()) host = "0.0.0.0";
    server->Log("serving " + site.root() + " on http://" + host + ":" + std::to_string(port) + "/");
    if (options.on_listening) options.on_listening(port);

    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { RunLoop(ioc, *server); });
    RunLoop(ioc, *server);
    for (auto& t : pool) t.join();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Io(std::string("server: ") + e.what());
  }
}

}  // namespace vetted::server
