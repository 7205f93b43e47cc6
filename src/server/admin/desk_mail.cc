// The desk's daily mail (AppOptions::mail_command): at start and then once a
// day, each account with something waiting gets a plain-text digest, given
// to the command on its standard input. Nothing here may stop the server: a
// failing command, one that does not read its input or one that hangs is
// logged and left behind.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "server/admin/desk_internal.h"

extern char** environ;

namespace vetted::server::admin {
namespace {

constexpr std::chrono::hours kMailEvery{24};
constexpr std::chrono::seconds kCommandTimeout{60};

// Runs `command` with /bin/sh -c, `input` on its standard input. Ok when it
// exits 0; otherwise a message saying how it failed.
Status RunWithInput(const std::string& command, const std::string& input) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::Io(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[0]);
  if (spawned != 0) {
    close(fds[1]);
    return Status::Io(std::string("cannot start /bin/sh: ") + std::strerror(spawned));
  }
  // SIGPIPE is blocked on this thread (StartMailer): a command that does not
  // read its input makes write fail with EPIPE instead of killing us.
  std::string problem;
  for (size_t done = 0; done < input.size();) {
    ssize_t n = write(fds[1], input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = std::string("writing the message: ") + std::strerror(errno);
      break;
    }
    done += static_cast<size_t>(n);
  }
  close(fds[1]);
  int wstatus = 0;
  auto deadline = std::chrono::steady_clock::now() + kCommandTimeout;
  pid_t waited = 0;
  while ((waited = waitpid(pid, &wstatus, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (waited == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &wstatus, 0);
    return Status::Io("the command did not finish within " + std::to_string(kCommandTimeout.count()) +
                      " s and was stopped");
  }
  if (waited < 0) return Status::Io(std::string("waitpid: ") + std::strerror(errno));
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
    if (!problem.empty()) return Status::Io(problem);
    return Status::Ok();
  }
  if (WIFEXITED(wstatus))
    return Status::Io("the command exited with status " + std::to_string(WEXITSTATUS(wstatus)));
  return Status::Io("the command was killed by signal " + std::to_string(WTERMSIG(wstatus)));
}

class Mailer {
 public:
  Mailer(App::Impl& app, std::shared_ptr<DeskState> state) : app_(app), state_(std::move(state)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Mailer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

 private:
  void Log(const std::string& line) {
    if (app_.log) app_.log(line);
  }
  void Run() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    std::unique_lock<std::mutex> lock(mu_);
    do {
      lock.unlock();
      SendAll();
      lock.lock();
    } while (!cv_.wait_for(lock, kMailEvery, [this] { return stopping_; }));
  }
  void SendAll() {
    store::AccountStore* accounts = app_.store.Accounts();
    if (accounts == nullptr) return;
    Result<std::vector<store::AccountRecord>> all = accounts->ListAccounts();
    if (!all.ok()) {
      Log("mail: reading the accounts failed: " + all.status().message());
      return;
    }
    std::vector<DueItem> due = DueItems(app_);
    for (const store::AccountRecord& a : *all) {
      if (a.disabled) continue;
      Result<PersonLists> lists = ListsFor(app_, ActorOf(a), due);
      if (!lists.ok()) {
        Log("mail: reading the lists of " + a.email + " failed: " + lists.status().message());
        continue;
      }
      if (lists->Empty()) continue;
      Status sent = RunWithInput(app_.options.mail_command, MailMessage(a.email, *lists));
      Log(sent.ok() ? "mail: sent the desk digest to " + a.email
                    : "mail: the digest to " + a.email + " failed: " + sent.message());
    }
  }

  App::Impl& app_;
  std::shared_ptr<DeskState> state_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::string MailMessage(const std::string& to, const PersonLists& lists) {
  size_t count = lists.desk.to_review.size() + lists.desk.changes_requested.size() + lists.due.size();
  std::string body;
  auto section = [&](const std::string& heading, const std::vector<std::string>& lines) {
    if (lines.empty()) return;
    body += heading + "\n";
    for (const std::string& l : lines) body += "- " + l + "\n";
    body += "\n";
  };
  auto titles = [](const std::vector<newsroom::ArticleSummary>& list) {
    std::vector<std::string> out;
    for (const newsroom::ArticleSummary& s : list)
      out.push_back((s.title.empty() ? s.article.path : s.title) + " (/admin/articles/" +
                    std::to_string(s.article.id) + ")");
    return out;
  };
  section("Waiting for your review:", titles(lists.desk.to_review));
  section("Changes requested:", titles(lists.desk.changes_requested));
  std::vector<std::string> due;
  for (const DueItem& item : lists.due)
    due.push_back(item.title + " (" + item.url + "): next review " +
                  (item.days_left < 0 ? "overdue since " : "due ") + item.next_due.Iso());
  section("Due soon:", due);
  // Header values never hold a line break (an email or a title could not add a header).
  std::string safe_to = to;
  for (char& c : safe_to)
    if (c == '\r' || c == '\n') c = ' ';
  return "To: " + safe_to + "\nSubject: vetted newsroom: " + std::to_string(count) +
         (count == 1 ? " article needs" : " articles need") + " you\n\n" + body +
         "Sign in to the newsroom (/admin/) to see everything.\n";
}

void StartMailer(App::Impl& app, std::shared_ptr<DeskState> state) {
  if (app.options.mail_command.empty()) return;
  app.desk_mailer = std::make_shared<Mailer>(app, std::move(state));
}

}  // namespace vetted::server::admin
