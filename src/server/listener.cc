// The socket half of the server: HTTP/1.1 over Boost.Asio, parsed by our own
// strict parser (http_parse.h). This is the only file that includes Boost;
// request logic lives in Handlers and never sees a socket.
//
// Shape: one io_context per thread (a Worker), each running its connections
// (Sessions) on that one thread, so a connection's handlers never run
// concurrently (the worker is the connection's strand) and the hot path takes
// no cross-thread lock. Worker 0 also owns the acceptor, which hands new
// connections to the workers in turn, and the signal set. A Handler may answer
// later from any thread: Respond posts the response back to the connection's
// worker. Timeouts are deadlines checked by a sweep timer per worker, so a
// request costs no timer operations.
//
// Per request: parse the head in the read buffer (reused), read the body,
// call the Handler; then one gathered write of the serialized head (a reused
// string) and the body (Response::Body(), never copied). Requests on one
// connection are answered in order: the next pipelined request is parsed only
// after the previous response is written.
//
// Shutdown closes the acceptor, closes idle connections, lets requests being
// answered finish, and stops every worker once no connection is left, or after
// kShutdownGrace.
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/basic_signal_set.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#include "server/http_parse.h"
#include "server/metrics.h"
#include "server/server.h"
#include "util/util.h"

namespace vetted::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using LogFn = std::function<void(const std::string&)>;
using ErrorCode = boost::system::error_code;
using Executor = net::io_context::executor_type;
using Socket = net::basic_stream_socket<tcp, Executor>;
using Acceptor = net::basic_socket_acceptor<tcp, Executor>;
using Timer = net::basic_waitable_timer<Clock, net::wait_traits<Clock>, Executor>;
using SignalSet = net::basic_signal_set<Executor>;

// Timeouts. Size limits are in http_parse.h.
constexpr auto kFirstRequestTimeout = std::chrono::seconds(10);  // new connection to its first request
constexpr auto kHeaderTimeout = std::chrono::seconds(10);        // first byte of a head to its end
constexpr auto kBodyTimeout = std::chrono::seconds(10);          // a whole request body
// The answer when ServeOptions::bodies_in_flight is reached.
constexpr std::string_view kBusy = "too many request bodies being received at once; try again";
constexpr auto kIdleTimeout = std::chrono::seconds(60);   // keep-alive wait for the next request
constexpr auto kWriteTimeout = std::chrono::seconds(30);  // one response
constexpr auto kLingerTimeout = std::chrono::seconds(2);  // draining input after a closing response
constexpr auto kShutdownGrace = std::chrono::seconds(5);  // in-flight work allowed after a stop
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);  // after EMFILE and the like
constexpr auto kSweepInterval = std::chrono::milliseconds(250);     // deadline checks
constexpr Clock::time_point kNever = Clock::time_point::max();
// Read buffer: grown on demand; the parser's limits keep it far below the cap.
constexpr size_t kInitialBuffer = 4096;
constexpr size_t kMinRead = 2048;
constexpr size_t kMaxBuffer = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr int kSendBuffer = 256 * 1024;  // socket send buffer: a cached page fits

// A response status that carries no body (nor a computed Content-Length).
bool NoBody(int status) {
  return status < 200 || status == 204 || status == 304;
}
// A response field we would put on the wire as given: no CR, LF or NUL.
bool SafeField(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == ':' || c == 0x7f) return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}
// Fields Serve writes itself; a Handler's copies are dropped.
bool OwnField(std::string_view name) {
  switch (name.size()) {
    case 4:
      return util::EqualsIgnoreCase(name, "date");
    case 6:
      return util::EqualsIgnoreCase(name, "server");
    case 10:
      return util::EqualsIgnoreCase(name, "connection") || util::EqualsIgnoreCase(name, "keep-alive");
    case 17:
      return util::EqualsIgnoreCase(name, "transfer-encoding");
    default:
      return false;
  }
}
void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out.append(p, buf + sizeof buf);
}

class Session;

// One thread's io_context and the connections on it. Everything but the
// io_context is touched only by that thread (or after every thread stopped).
struct Worker {
  std::unordered_set<Session*> sessions;  // declared before ioc: outlives the sessions ioc destroys
  net::io_context ioc{1};
  Timer sweep{ioc.get_executor()};
  Clock::time_point now = Clock::now();  // refreshed by the sweep; coarse, for deadlines only

  void StartSweep();
  // The Date field value, formatted once per second.
  std::string_view Date();
  // "2026-11-26T06:01:02.123Z" for the access log.
  void AppendLogTime(std::string& out);

 private:
  std::time_t date_second_ = -1;
  std::string date_;  // date_second_ as an HTTP date
  std::time_t log_second_ = -1;
  std::string log_prefix_;  // log_second_ as "2026-11-26T06:01:02."
};

std::string_view Worker::Date() {
  std::time_t now = std::time(nullptr);
  if (now != date_second_) {
    date_ = util::FormatHttpDate(now);
    date_second_ = now;
  }
  return date_;
}

void Worker::AppendLogTime(std::string& out) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  auto second = static_cast<std::time_t>(ms / 1000);
  if (second != log_second_) {
    log_prefix_ = util::FormatIsoUtc(second);
    log_prefix_.back() = '.';  // the 'Z' goes after the milliseconds
    log_second_ = second;
  }
  out += log_prefix_;
  int milli = static_cast<int>(ms % 1000);
  out += static_cast<char>('0' + milli / 100);
  out += static_cast<char>('0' + milli / 10 % 10);
  out += static_cast<char>('0' + milli % 10);
  out += 'Z';
}

class Server {
 public:
  Server(const Handler& handler, const ServeOptions& options, const LogFn& log, unsigned threads);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Listen(const std::string& listen, int* port);
  void Start();
  void Run();
  // Any thread; idempotent. Logs "stopping: <reason>, N connections open".
  void Shutdown(const std::string& reason);
  // When Shutdown was first called (valid once stopping()).
  Clock::time_point stop_started() const { return stop_started_; }

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const Handler& handler() const { return handler_; }
  Metrics* metrics() const { return options_.metrics; }
  const std::string& hsts() const { return options_.hsts; }
  bool ops_listener() const { return options_.ops_listener; }
  size_t BodyLimit(std::string_view method, std::string_view target) const {
    if (!options_.body_limit) return kMaxBodyBytes;
    return std::min(options_.body_limit(method, target), kMaxRouteBodyBytes);
  }
  // Counts `n` more body bytes being received; false (nothing counted) when
  // that would pass ServeOptions::bodies_in_flight.
  bool ReserveBody(size_t n) {
    const size_t cap = options_.bodies_in_flight;
    size_t now = bodies_in_flight_.load(std::memory_order_relaxed);
    do {
      if (cap != 0 && (n > cap || now > cap - n)) return false;
    } while (!bodies_in_flight_.compare_exchange_weak(now, now + n, std::memory_order_relaxed));
    return true;
  }
  void ReleaseBody(size_t n) { bodies_in_flight_.fetch_sub(n, std::memory_order_relaxed); }
  bool logging() const { return options_.access_log && static_cast<bool>(log_); }
  void Log(const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (log_) log_(line);
  }
  std::atomic<int> live_sessions{0};

 private:
  void Accept();
  void Drain(Clock::time_point deadline);
  void StopWorkers();
  void RunLoop(Worker& worker);

  const Handler& handler_;
  const ServeOptions& options_;
  const LogFn& log_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // On worker 0; reset before the workers in ~Server.
  std::unique_ptr<Acceptor> acceptor_;
  std::unique_ptr<SignalSet> signals_;
  std::unique_ptr<Timer> retry_;  // accept retry
  std::unique_ptr<Timer> drain_;
  std::atomic<size_t> bodies_in_flight_{0};  // ReserveBody
  size_t next_worker_ = 0;
  std::atomic<bool> stopping_{false};
  Clock::time_point stop_started_{};  // written before stopping_ is published
  std::mutex log_mu_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Socket socket, Server& server, Worker& worker)
      : server_(server), worker_(worker), socket_(std::move(socket)) {
    server_.live_sessions.fetch_add(1, std::memory_order_relaxed);
  }
  ~Session() {
    ReleaseBody();
    worker_.sessions.erase(this);
    server_.live_sessions.fetch_sub(1, std::memory_order_release);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start();
  void OnStop();                              // worker thread
  void CheckDeadline(Clock::time_point now);  // worker thread
  // After the workers stopped: hands over the self-reference held for a handler.
  void Release(std::vector<std::shared_ptr<Session>>& out) {
    awaiting_ = false;
    if (self_) out.push_back(std::move(self_));
  }
  // Respond: from any thread, back to the session's worker.
  static void Post(const std::weak_ptr<Session>& weak, Response&& res);

 private:
  enum class State { kReadingHead, kReadingBody, kHandling, kWriting, kLinger, kClosed };

  std::string_view Buffered() const { return {buf_.data() + begin_, end_ - begin_}; }
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void NextRequest(Clock::duration wait);
  void ParseHead();
  void StartBody();
  void ReadBody();
  void ReadMore(void (Session::*next)());
  void SendContinue();
  void Dispatch();
  void Deliver(Response&& res);
  void Fail(int status, std::string_view message);
  // The body bytes this request counts against ServeOptions::bodies_in_flight.
  bool ReserveBody(size_t n) {
    if (!server_.ReserveBody(n)) return false;
    reserved_ += n;
    return true;
  }
  void ReleaseBody() {
    server_.ReleaseBody(reserved_);
    reserved_ = 0;
  }
  bool SerializeHead();
  void Write();
  void OnWritten(const ErrorCode& ec);
  void Record(const ErrorCode& ec);
  void CloseGracefully();
  void Linger();
  void Close();

  Server& server_;
  Worker& worker_;
  Socket socket_;
  std::string client_;
  State state_ = State::kReadingHead;
  Clock::time_point deadline_ = kNever;
  bool head_started_ = false;
  std::vector<char> buf_;  // bytes [begin_, end_) received, not yet consumed
  size_t begin_ = 0, end_ = 0;
  RequestHead head_;
  ChunkedDecoder chunked_;
  std::string body_;
  uint64_t body_left_ = 0;
  size_t reserved_ = 0;  // ReserveBody
  bool continue_sent_ = true;
  // The request being answered.
  bool is_head_ = false;
  bool keep_alive_ = false;
  std::string log_method_, log_path_;
  Clock::time_point started_;
  std::shared_ptr<Session> self_;  // keeps the session while a Handler holds its Respond
  bool awaiting_ = false;
  Response res_;
  bool close_after_ = false;
  size_t body_bytes_ = 0;
  std::string out_;  // the serialized response head
};

// ---- Session ----

void Session::Start() {
  worker_.sessions.insert(this);
  ErrorCode ec;
  socket_.set_option(tcp::no_delay(true), ec);
  // Room for a whole cached page, so that a response leaves in one sendmsg.
  socket_.set_option(net::socket_base::send_buffer_size(kSendBuffer), ec);
  tcp::endpoint peer = socket_.remote_endpoint(ec);
  if (!ec) client_ = peer.address().to_string();
  if (server_.stopping()) return Close();
  NextRequest(kFirstRequestTimeout);
}

void Session::OnStop() {
  if (state_ == State::kReadingHead || state_ == State::kReadingBody || state_ == State::kLinger) Close();
}

void Session::CheckDeadline(Clock::time_point now) {
  if (now > deadline_) Close();
}

void Session::NextRequest(Clock::duration wait) {
  state_ = State::kReadingHead;
  head_started_ = false;
  deadline_ = worker_.now + wait;
  ParseHead();
}

void Session::ParseHead() {
  std::string_view data = Buffered();
  if (!data.empty() && !head_started_) {
    head_started_ = true;
    deadline_ = worker_.now + kHeaderTimeout;
  }
  ParseResult r = ParseRequestHead(data, head_);
  if (r.state == ParseState::kNeedMore) return ReadMore(&Session::ParseHead);
  if (r.state == ParseState::kError) return Fail(r.status, r.message);
  Consume(head_.head_bytes);
  StartBody();
}

void Session::StartBody() {
  started_ = Clock::now();
  log_method_.assign(head_.method);
  std::string_view target = head_.target;
  log_path_.assign(target.substr(0, target.find('?')));
  body_.clear();
  if (head_.framing == BodyFraming::kNone) return Dispatch();
  state_ = State::kReadingBody;
  // The route's limit, known before any of the body is read (Expect:
  // 100-continue is answered with the 413 instead of 100).
  size_t limit = server_.BodyLimit(head_.method, head_.target);
  if (head_.framing == BodyFraming::kLength && head_.content_length > limit)
    return Fail(413, "request body too large");
  if (head_.framing == BodyFraming::kLength && !ReserveBody(static_cast<size_t>(head_.content_length)))
    return Fail(503, kBusy);
  deadline_ = worker_.now + kBodyTimeout;
  body_left_ = head_.content_length;
  chunked_ = ChunkedDecoder(limit);
  continue_sent_ = !head_.expect_continue;
  ReadBody();
}

void Session::ReadBody() {
  std::string_view data = Buffered();
  if (head_.framing == BodyFraming::kLength) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(body_left_, data.size()));
    body_.append(data.data(), n);
    Consume(n);
    body_left_ -= n;
    if (body_left_ == 0) return Dispatch();
  } else {
    size_t used = 0;
    ParseResult r = chunked_.Feed(data, used, body_);
    Consume(used);
    if (r.state == ParseState::kError) return Fail(r.status, r.message);
    if (body_.size() > reserved_ && !ReserveBody(body_.size() - reserved_)) return Fail(503, kBusy);
    if (r.state == ParseState::kComplete) return Dispatch();
  }
  if (!continue_sent_) return SendContinue();
  ReadMore(&Session::ReadBody);
}

void Session::SendContinue() {
  continue_sent_ = true;
  net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                   [self = shared_from_this()](const ErrorCode& ec, size_t) {
                     if (ec) return self->Close();
                     self->ReadMore(&Session::ReadBody);
                   });
}

// Makes room for at least kMinRead bytes after end_, then reads some and
// continues with `next`.
void Session::ReadMore(void (Session::*next)()) {
  if (buf_.size() - end_ < kMinRead && begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < kMinRead) {
    if (buf_.size() >= kMaxBuffer) return Fail(400, "request too large to buffer");
    buf_.resize(std::min(std::max(buf_.size() * 2, kInitialBuffer), kMaxBuffer));
  }
  socket_.async_read_some(net::buffer(buf_.data() + end_, buf_.size() - end_),
                          [self = shared_from_this(), next](const ErrorCode& ec, size_t n) {
                            if (ec) return self->Close();  // eof, reset, timeout or stop
                            self->end_ += n;
                            ((*self).*next)();
                          });
}

void Session::Dispatch() {
  ReleaseBody();  // received: the handler has it now
  state_ = State::kHandling;
  deadline_ = kNever;
  is_head_ = head_.method == "HEAD";
  keep_alive_ = head_.keep_alive;
  Request req;
  req.method = std::move(head_.method);
  req.target = std::move(head_.target);
  req.headers = std::move(head_.headers);
  req.body = std::move(body_);
  req.client = client_;
  req.ops_listener = server_.ops_listener();
  self_ = shared_from_this();
  awaiting_ = true;
  Respond respond = [weak = std::weak_ptr<Session>(self_)](Response res) { Post(weak, std::move(res)); };
  try {
    server_.handler()(std::move(req), std::move(respond));
  } catch (const std::exception& e) {
    server_.Log(std::string("error: handler failed: ") + e.what());
    if (awaiting_) Deliver(PlainResponse(500, "Internal Server Error"));
  }
}

void Session::Post(const std::weak_ptr<Session>& weak, Response&& res) {
  std::shared_ptr<Session> s = weak.lock();
  if (!s) return;  // the connection is gone (cut after the shutdown grace period)
  Executor ex = s->worker_.ioc.get_executor();
  if (ex.running_in_this_thread()) return s->Deliver(std::move(res));
  net::post(ex, [s = std::move(s), res = std::move(res)]() mutable { s->Deliver(std::move(res)); });
}

void Session::Deliver(Response&& res) {
  if (!awaiting_) return;  // Respond called twice: the first answer stands
  awaiting_ = false;
  std::shared_ptr<Session> hold = std::move(self_);
  if (state_ == State::kClosed) return;
  res_ = std::move(res);
  close_after_ = res_.close || !keep_alive_ || server_.stopping();
  Write();
}

// Our own error response; the connection closes after it.
void Session::Fail(int status, std::string_view message) {
  if (state_ == State::kReadingHead) {
    log_method_ = "-";
    log_path_ = "-";
    started_ = Clock::now();
  }
  ReleaseBody();
  is_head_ = false;
  res_ = PlainResponse(status, message);
  if (status == 503) res_.headers.emplace_back("Retry-After", "1");
  res_.route = "bad_request";
  close_after_ = true;
  Write();
}

// Serializes the status line and fields of res_ into out_; false when the
// Handler gave a field that is unsafe to send.
bool Session::SerializeHead() {
  std::string& h = out_;
  h.clear();
  int status = res_.status;
  if (status < 100 || status > 999) return false;
  h += "HTTP/1.1 ";
  AppendUint(h, static_cast<uint64_t>(status));
  h += ' ';
  h += ReasonPhrase(status);
  h += "\r\nDate: ";
  h += worker_.Date();
  h += "\r\nServer: vetted\r\n";
  if (!server_.hsts().empty()) {
    h += "Strict-Transport-Security: ";
    h += server_.hsts();
    h += "\r\n";
  }
  // A HEAD response keeps the Handler's Content-Length (the GET length);
  // otherwise the length is always the body actually sent.
  bool length_given = false;
  for (const auto& [name, value] : res_.headers) {
    if (!SafeField(name, value)) return false;
    if (OwnField(name)) continue;
    if (name.size() == 14 && util::EqualsIgnoreCase(name, "content-length")) {
      if (!is_head_) continue;
      length_given = true;
    }
    h += name;
    h += ": ";
    h += value;
    h += "\r\n";
  }
  if (res_.header_block) h += *res_.header_block;
  if (!NoBody(status) && !length_given) {
    h += "Content-Length: ";
    AppendUint(h, res_.Body().size());
    h += "\r\n";
  }
  if (close_after_) {
    h += "Connection: close\r\n";
  } else if (head_.minor_version == 0) {
    h += "Connection: keep-alive\r\n";
  }
  h += "\r\n";
  return true;
}

void Session::Write() {
  state_ = State::kWriting;
  deadline_ = worker_.now + kWriteTimeout;
  if (!SerializeHead()) {
    server_.Log("error: handler gave an invalid response for " + log_path_);
    res_ = PlainResponse(500, "Internal Server Error");
    close_after_ = true;
    SerializeHead();
  }
  const std::string& body = res_.Body();
  body_bytes_ = is_head_ || NoBody(res_.status) ? 0 : body.size();
  std::array<net::const_buffer, 2> buffers{net::buffer(out_), net::buffer(body.data(), body_bytes_)};
  net::async_write(socket_, buffers,
                   [self = shared_from_this()](const ErrorCode& ec, size_t) { self->OnWritten(ec); });
}

void Session::OnWritten(const ErrorCode& ec) {
  Record(ec);
  res_ = Response();  // drops a shared body now rather than at the next request
  if (ec) return Close();
  if (close_after_ || server_.stopping()) return CloseGracefully();
  NextRequest(kIdleTimeout);
}

// Metrics and the access log line for the response just written.
void Session::Record(const ErrorCode& ec) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
  if (Metrics* m = server_.metrics())
    m->RecordRequest(res_.route, res_.status, static_cast<double>(us) / 1e6);
  if (!server_.logging()) return;
  std::string line;
  line.reserve(128 + log_path_.size());
  line += "{\"t\":\"";
  worker_.AppendLogTime(line);
  line += "\",\"method\":";
  util::AppendJsonString(line, log_method_);
  line += ",\"path\":";
  util::AppendJsonString(line, log_path_);
  line += ",\"route\":";
  util::AppendJsonString(line, res_.route);
  line += ",\"status\":";
  AppendUint(line, static_cast<uint64_t>(res_.status));
  line += ",\"bytes\":";
  AppendUint(line, body_bytes_);
  line += ",\"us\":";
  AppendUint(line, static_cast<uint64_t>(us));
  if (ec) {
    line += ",\"error\":";
    util::AppendJsonString(line, ec.message());
  }
  line += '}';
  server_.Log(line);
}

// Half-closes, then reads and discards until the peer closes (bounded by
// kLingerTimeout) so unread input does not turn our close into a reset that
// destroys the response we just sent.
void Session::CloseGracefully() {
  ErrorCode ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec || server_.stopping()) return Close();
  state_ = State::kLinger;
  deadline_ = worker_.now + kLingerTimeout;
  Linger();
}

void Session::Linger() {
  begin_ = end_ = 0;
  if (buf_.empty()) buf_.resize(kInitialBuffer);
  socket_.async_read_some(net::buffer(buf_), [self = shared_from_this()](const ErrorCode& ec, size_t) {
    if (ec) return self->Close();
    self->Linger();
  });
}

void Session::Close() {
  ReleaseBody();
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  deadline_ = kNever;
  ErrorCode ec;
  socket_.close(ec);
}

// ---- Worker ----

void Worker::StartSweep() {
  sweep.expires_after(kSweepInterval);
  sweep.async_wait([this](const ErrorCode& ec) {
    if (ec) return;
    now = Clock::now();
    for (Session* s : sessions) s->CheckDeadline(now);
    StartSweep();
  });
}

// ---- Server ----

Server::Server(const Handler& handler, const ServeOptions& options, const LogFn& log, unsigned threads)
    : handler_(handler), options_(options), log_(log) {
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  Executor ex = workers_[0]->ioc.get_executor();
  acceptor_ = std::make_unique<Acceptor>(ex);
  signals_ = std::make_unique<SignalSet>(ex);
  retry_ = std::make_unique<Timer>(ex);
  drain_ = std::make_unique<Timer>(ex);
}

// Runs after every worker thread has returned. Sessions still waiting for a
// Handler (cut by the grace period) are released here, while their
// io_context exists; a later Respond finds them gone and does nothing.
Server::~Server() {
  acceptor_.reset();
  signals_.reset();
  retry_.reset();
  drain_.reset();
  std::vector<std::shared_ptr<Session>> held;
  for (auto& w : workers_) {
    for (Session* s : w->sessions) s->Release(held);
  }
  held.clear();
  workers_.clear();
}

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
  ErrorCode ec;
  tcp::resolver resolver(workers_[0]->ioc);
  auto results = resolver.resolve(host, service, tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) return Status::Invalid("cannot resolve \"" + listen + "\": " + ec.message());
  tcp::endpoint endpoint = results.begin()->endpoint();
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot listen on " + listen + ": " + ec.message());
  *port = acceptor_->local_endpoint().port();
  return Status::Ok();
}

void Server::Start() {
  signals_->add(SIGINT);
  signals_->add(SIGTERM);
  signals_->async_wait([this](const ErrorCode& ec, int signal) {
    if (!ec) Shutdown(signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal");
  });
  for (auto& w : workers_) w->StartSweep();
  net::post(workers_[0]->ioc, [this] { Accept(); });
}

void Server::Accept() {
  if (stopping()) return;
  Worker& w = *workers_[next_worker_++ % workers_.size()];
  acceptor_->async_accept(w.ioc.get_executor(), [this, &w](const ErrorCode& ec, Socket socket) {
    if (stopping() || ec == net::error::operation_aborted) return;
    if (ec) {
      Log("error accepting: " + ec.message());
      retry_->expires_after(kAcceptRetryDelay);
      retry_->async_wait([this](const ErrorCode& wec) {
        if (!wec) Accept();
      });
      return;
    }
    auto session = std::make_shared<Session>(std::move(socket), *this, w);
    net::post(w.ioc, [session = std::move(session)] { session->Start(); });
    Accept();
  });
}

void Server::Shutdown(const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (stopping()) return;
    stop_started_ = Clock::now();
    stopping_.store(true, std::memory_order_release);
  }
  int open = live_sessions.load(std::memory_order_acquire);
  Log(std::string(options_.ops_listener ? "ops " : "") + "stopping: " + reason + ", " + std::to_string(open) +
      (open == 1 ? " connection" : " connections") + " open");
  net::post(workers_[0]->ioc, [this] {
    ErrorCode ec;
    acceptor_->close(ec);
    signals_->cancel(ec);
    retry_->cancel();
    Drain(Clock::now() + kShutdownGrace);
  });
  for (auto& w : workers_) {
    net::post(w->ioc, [w = w.get()] {
      for (Session* s : w->sessions) s->OnStop();
    });
  }
}

// Polls until every session has ended, or stops the workers at the deadline.
void Server::Drain(Clock::time_point deadline) {
  if (live_sessions.load(std::memory_order_acquire) == 0) return StopWorkers();
  if (Clock::now() >= deadline) {
    Log("shutdown: grace period over, closing remaining connections");
    return StopWorkers();
  }
  drain_->expires_after(kShutdownPoll);
  drain_->async_wait([this, deadline](const ErrorCode&) { Drain(deadline); });
}

void Server::StopWorkers() {
  for (auto& w : workers_) w->ioc.stop();
}

void Server::RunLoop(Worker& worker) {
  for (;;) {
    try {
      worker.ioc.run();
      return;
    } catch (const std::exception& e) {
      Log(std::string("error: ") + e.what());
    }
  }
}

void Server::Run() {
  std::vector<std::thread> pool;
  pool.reserve(workers_.size() - 1);
  for (size_t i = 1; i < workers_.size(); ++i) pool.emplace_back([this, i] { RunLoop(*workers_[i]); });
  RunLoop(*workers_[0]);
  for (auto& t : pool) t.join();
}

// Detaches the control's stop action before the server it points to dies.
class ControlGuard {
 public:
  ControlGuard(ServeControl* control, Server* server) : control_(control) {
    if (control_ != nullptr) control_->OnStop([server] { server->Shutdown("asked to stop"); });
  }
  ~ControlGuard() {
    if (control_ != nullptr) control_->OnStop(nullptr);
  }
  ControlGuard(const ControlGuard&) = delete;
  ControlGuard& operator=(const ControlGuard&) = delete;

 private:
  ServeControl* control_;
};

}  // namespace

Status Serve(const Handler& handler, const ServeOptions& options, const LogFn& log) {
  if (!SafeField("Strict-Transport-Security", options.hsts)) {
    return Status::Invalid("hsts value must not contain line breaks");
  }
  try {
    unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : util::WorkerCount();
    Server server(handler, options, log, threads);
    int port = 0;
    Status st = server.Listen(options.listen, &port);
    if (!st.ok()) return st;
    server.Start();
    ControlGuard guard(options.control, &server);
    std::string host = options.listen.substr(0, options.listen.rfind(':'));
    if (host.empty()) host = "0.0.0.0";
    server.Log(std::string(options.ops_listener ? "ops listening on http://" : "listening on http://") +
               host + ":" + std::to_string(port) + "/");
    if (options.on_listening) options.on_listening(port);
    server.Run();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - server.stop_started());
    server.Log(std::string(options.ops_listener ? "ops " : "") + "stopped after " +
               std::to_string(ms.count()) + " ms");
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Io(std::string("server: ") + e.what());
  }
}

}  // namespace vetted::server
