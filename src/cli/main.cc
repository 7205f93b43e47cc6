// vetted: the command line. Subcommands come from one table.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "cli/commands.h"
#include "util/util.h"

namespace vetted::cli {
namespace {

struct Args {
  BuildArgs build;
  CheckArgs check;
  ServeArgs serve;
  ImportArgs import;
  ExportArgs export_;
  FeedbackExportArgs feedback;
  AuditVerifyArgs audit;
  MigrateArgs migrate;
  DbCopyArgs db_copy;
  RevisionArgs revision;
  NewArgs new_;
  DevArgs dev;
  ReviewSignArgs review_sign;
  LogArgs log;
  DiffArgs diff;
  UserArgs user;
};

struct Subcommand {
  const char* name;
  const char* description;
  std::function<void(CLI::App&, Args&)> define;  // adds the subcommand's options
  std::function<int(const Args&)> run;
};

const std::vector<Subcommand>& Table() {
  static const std::vector<Subcommand> table = {
      {"build", "Build the complete static site from a site folder",
       [](CLI::App& c, Args& a) {
         c.add_option("site", a.build.site, "The site folder")->required();
         c.add_option("-o,--out", a.build.out, "Output folder (emptied first when vetted wrote it)");
         c.add_flag("-q,--quiet", a.build.quiet, "No progress bar and no summary; warnings only counted");
       },
       [](const Args& a) { return RunBuild(a.build); }},
      {"check", "Report every content problem as file:line: severity: message [rule]",
       [](CLI::App& c, Args& a) {
         c.add_option("site", a.check.site, "The site folder")->required();
         c.add_option("--format", a.check.format, "text or json")->check(CLI::IsMember({"text", "json"}));
         c.add_option("--max-grade", a.check.max_grade, "Readability: warn above this Flesch-Kincaid grade");
         c.add_option("--today", a.check.today, "Check review dates as of this date (YYYY-MM-DD)");
       },
       [](const Args& a) { return RunCheck(a.check); }},
      {"import", "Load a site folder into the database (again: only what changed)",
       [](CLI::App& c, Args& a) {
         c.add_option("site", a.import.site, "The site folder")->required();
         c.add_option("--db", a.import.db, "Store address: sqlite:PATH or a file path (created when missing)")
             ->envname("VETTED_DB");
         c.add_flag("-q,--quiet", a.import.quiet, "No report; warnings only counted");
         c.add_flag(
             "--overwrite-newsroom", a.import.overwrite_newsroom,
             "Import even where the folder replaces or unpublishes articles published in the newsroom");
       },
       [](const Args& a) { return RunImport(a.import); }},
      {"serve", "Serve the site from the database, with search and reader feedback",
       [](CLI::App& c, Args& a) {
         c.add_option("--db", a.serve.db,
                      "Store address: sqlite:PATH, a file path or postgresql://... (must exist)")
             ->envname("VETTED_DB");
         c.add_option("--db-read", a.serve.db_read,
                      "A streaming replica of the PostgreSQL --db (postgresql://...): page loads and "
                      "searches read it once it has caught up")
             ->envname("VETTED_DB_READ");
         c.add_option("--dir", a.serve.dir, "Serve this built folder instead (no search, no feedback)");
         c.add_option("--listen", a.serve.listen, "host:port to listen on")->envname("VETTED_LISTEN");
         c.add_option("--threads", a.serve.threads, "Worker threads (0: one per core)")
             ->envname("VETTED_THREADS");
         c.add_flag("--no-cache", a.serve.no_cache, "Render every page on every request (for measuring)")
             ->envname("VETTED_NO_CACHE");
         c.add_option("--cache-mb", a.serve.cache_mb,
                      "Most MiB the page cache holds (pages with their compressed forms); past it the least "
                      "recently used pages are dropped and rendered again when asked for")
             ->envname("VETTED_CACHE_MB")
             ->check(CLI::Range(size_t{1}, size_t{1} << 20));
         c.add_option("--feedback-rate", a.serve.feedback_per_minute, "Feedback posts per minute per client")
             ->envname("VETTED_FEEDBACK_RATE");
         c.add_option("--feedback-burst", a.serve.feedback_burst, "Feedback posts a client may send at once")
             ->envname("VETTED_FEEDBACK_BURST");
         c.add_option("--feedback-batch", a.serve.feedback_batch,
                      "Most feedback rows per durable transaction (1: one transaction per post)")
             ->envname("VETTED_FEEDBACK_BATCH");
         c.add_option("--reload-poll", a.serve.reload_poll_ms,
                      "Milliseconds between checks of the store for a new import")
             ->envname("VETTED_RELOAD_POLL")
             ->check(CLI::Range(1, 60000));
         c.add_option("--incremental-reload", a.serve.incremental_reload,
                      "Reload only the articles an import changed (true/false; false: always everything)");
         c.add_option("--access-log", a.serve.access_log, "One JSON line per request on stderr (true/false)")
             ->envname("VETTED_ACCESS_LOG");
         c.add_option("--hsts", a.serve.hsts, "Strict-Transport-Security value (when behind TLS)")
             ->envname("VETTED_HSTS");
         c.add_option("--ops-token", a.serve.ops_token,
                      "Bearer token that opens /metrics on --listen (prefer the environment variable)")
             ->envname("VETTED_OPS_TOKEN");
         c.add_option("--ops-listen", a.serve.ops_listen,
                      "host:port serving /metrics to the operator, no token")
             ->envname("VETTED_OPS_LISTEN");
         c.add_option("--cors-origin", a.serve.cors_origins,
                      "Origin (https://host[:port]) of a static build whose scripts may post feedback here; "
                      "repeat or separate with commas (default: the origin of base_url)")
             ->delimiter(',')
             ->envname("VETTED_CORS_ORIGIN");
         c.add_flag("--secure-cookies", a.serve.secure_cookies,
                    "The site is reached over TLS: newsroom session cookie __Host-vetted-session, Secure "
                    "(implied by --hsts)")
             ->envname("VETTED_SECURE_COOKIES");
         c.add_flag("--require-2fa", a.serve.require_2fa,
                    "Editors and admins must sign in to the newsroom with a second factor (TOTP)")
             ->envname("VETTED_REQUIRE_2FA");
         c.add_option("--mail-command", a.serve.mail_command,
                      "Shell command that mails the newsroom's daily digest: run at start and once a day per "
                      "account with work waiting, the message (To:, Subject:, body) on its standard input")
             ->envname("VETTED_MAIL_COMMAND");
       },
       [](const Args& a) { return RunServe(a.serve); }},
      {"export", "Write the static site, or with --site the site folder readers see, from the database",
       [](CLI::App& c, Args& a) {
         c.add_option("--db", a.export_.db, "Store address: sqlite:PATH or a file path (must exist)")
             ->envname("VETTED_DB");
         CLI::Option* out =
             c.add_option("-o,--out", a.export_.out, "Output folder (emptied first when vetted wrote it)");
         c.add_option("--site", a.export_.site,
                      "Write the site folder instead (Markdown, site.toml, people...; published content "
                      "only) to this new or empty folder, for `vetted import`")
             ->excludes(out);
         c.add_flag("-q,--quiet", a.export_.quiet, "No progress bar and no summary");
       },
       [](const Args& a) { return RunExport(a.export_); }},
      {"feedback", "Reader feedback: `vetted feedback export --format csv|json`",
       [](CLI::App& c, Args& a) {
         c.require_subcommand(1);
         CLI::App* e = c.add_subcommand("export", "Write all reader feedback, oldest first");
         e->add_option("--db", a.feedback.db, "Store address: sqlite:PATH or a file path (must exist)")
             ->envname("VETTED_DB");
         e->add_option("--format", a.feedback.format, "csv or json")->check(CLI::IsMember({"csv", "json"}));
         e->add_option("-o,--out", a.feedback.out, "Write to this file instead of standard output");
       },
       [](const Args& a) { return RunFeedbackExport(a.feedback); }},
      {"audit", "The newsroom's audit log: `vetted audit verify` recomputes its hash chain",
       [](CLI::App& c, Args& a) {
         c.require_subcommand(1);
         CLI::App* v = c.add_subcommand("verify", "Report the first entry altered or removed, if any");
         v->add_option("--db", a.audit.db, "Store address: sqlite:PATH or a file path (must exist)")
             ->envname("VETTED_DB");
       },
       [](const Args& a) { return RunAuditVerify(a.audit); }},
      {"dev", "Serve a site folder while you write: changes are published and the browser reloads",
       [](CLI::App& c, Args& a) {
         c.add_option("site", a.dev.site, "The site folder")->required();
         c.add_option("--listen", a.dev.listen, "host:port to listen on")->envname("VETTED_LISTEN");
         c.add_option("--db", a.dev.db, "Store address to import into (memory: keeps nothing)");
       },
       [](const Args& a) { return RunDev(a.dev); }},
      {"migrate", "Bring the store's schema to this program's version (--status: only say where it is)",
       [](CLI::App& c, Args& a) {
         c.add_option("--db", a.migrate.db, "Store address: sqlite:PATH, a file path or postgresql://...")
             ->envname("VETTED_DB");
         c.add_flag("--status", a.migrate.status, "Only print the store's schema version and this program's");
       },
       [](const Args& a) { return RunMigrate(a.migrate); }},
      {"db",
       "Whole stores: `vetted db copy --from ADDRESS --to ADDRESS` moves a site between SQLite and "
       "PostgreSQL",
       [](CLI::App& c, Args& a) {
         c.require_subcommand(1);
         CLI::App* copy =
             c.add_subcommand("copy", "Copy the whole site into a new, empty store (one transaction)");
         copy->add_option("--from", a.db_copy.from,
                          "Source store: sqlite:PATH, a file path or postgresql://... (must exist)")
             ->required();
         copy->add_option("--to", a.db_copy.to,
                          "Destination store, created and migrated when missing; must be empty")
             ->required();
       },
       [](const Args& a) { return RunDbCopy(a.db_copy); }},
      {"new", "Write a small working site to start from, with comments that teach the format",
       [](CLI::App& c, Args& a) { c.add_option("dir", a.new_.dir, "The new site folder")->required(); },
       [](const Args& a) { return RunNew(a.new_); }},
      {"revision", "Print the revision hash of article files (what a reviewer signs off)",
       [](CLI::App& c, Args& a) { c.add_option("files", a.revision.files, "Article .md files")->required(); },
       [](const Args& a) { return RunRevision(a.revision); }},
      {"review", "Medical reviews: `vetted review sign ARTICLE --by PERSON [--date D]`",
       [](CLI::App& c, Args& a) {
         c.require_subcommand(1);
         CLI::App* s =
             c.add_subcommand("sign", "Record a review of the article's current revision in its file");
         s->add_option("article", a.review_sign.article, "The article's .md file")->required();
         s->add_option("--by", a.review_sign.by, "The reviewer's person id (people/ID.md)")->required();
         s->add_option("--date", a.review_sign.date, "The review date, YYYY-MM-DD (default: today, UTC)");
       },
       [](const Args& a) { return RunReviewSign(a.review_sign); }},
      {"log", "List an article's stored revisions with their dates and reviews",
       [](CLI::App& c, Args& a) {
         c.add_option("article", a.log.article, "The article's .md file")->required();
         c.add_option("--db", a.log.db, "SQLite database")->envname("VETTED_DB");
       },
       [](const Args& a) { return RunLog(a.log); }},
      {"diff", "Show what a reader sees that changed, by default since the last review",
       [](CLI::App& c, Args& a) {
         c.add_option("article", a.diff.article, "The article's .md file")->required();
         c.add_option("from", a.diff.from, "Revision to compare from (default: the latest review's)");
         c.add_option("to", a.diff.to, "Revision to compare to (default: the file now)");
         c.add_option("--db", a.diff.db, "SQLite database holding older revisions")->envname("VETTED_DB");
       },
       [](const Args& a) { return RunDiff(a.diff); }},
      {"user",
       "Newsroom accounts: `vetted user add EMAIL --role ROLE`, `list`, `role`, `link`, `disable`, `enable`, "
       "`reset-2fa`, `reset-password`",
       [](CLI::App& c, Args& a) {
         c.require_subcommand(1);
         auto db = [&a](CLI::App* s) {
           s->add_option("--db", a.user.db, "Store address: sqlite:PATH or a file path")
               ->envname("VETTED_DB");
         };
         CLI::App* add =
             c.add_subcommand("add", "Add an account (prints a one-time password unless given one)");
         add->add_option("email", a.user.email, "The account's email address")->required();
         add->add_option("--role", a.user.roles, "writer, reviewer, editor or admin (repeat for several)")
             ->required();
         add->add_option("--person", a.user.person, "The person profile (people/ID) the account speaks for");
         add->add_flag("--password-stdin", a.user.password_stdin, "Read the password from standard input");
         db(add);
         add->callback([&a] { a.user.action = "add"; });
         CLI::App* list = c.add_subcommand("list", "List the accounts with their roles and status");
         db(list);
         list->callback([&a] { a.user.action = "list"; });
         CLI::App* disable = c.add_subcommand("disable", "Disable an account and end its sessions at once");
         disable->add_option("email", a.user.email, "The account's email address")->required();
         db(disable);
         disable->callback([&a] { a.user.action = "disable"; });
         CLI::App* enable = c.add_subcommand("enable", "Let a disabled account sign in again");
         enable->add_option("email", a.user.email, "The account's email address")->required();
         db(enable);
         enable->callback([&a] { a.user.action = "enable"; });
         CLI::App* role = c.add_subcommand("role", "Set an account's roles (replacing the ones it has)");
         role->add_option("email", a.user.email, "The account's email address")->required();
         role->add_option("--role", a.user.roles, "writer, reviewer, editor or admin (repeat for several)")
             ->required();
         db(role);
         role->callback([&a] { a.user.action = "role"; });
         CLI::App* link = c.add_subcommand("link", "Link an account to a person profile of the site");
         link->add_option("email", a.user.email, "The account's email address")->required();
         link->add_option("--person", a.user.person, "The person's id (people/ID.md); \"\" unlinks")
             ->required();
         db(link);
         link->callback([&a] { a.user.action = "link"; });
         CLI::App* reset =
             c.add_subcommand("reset-2fa", "Turn an account's two-step sign-in off (a lost phone)");
         reset->add_option("email", a.user.email, "The account's email address")->required();
         db(reset);
         reset->callback([&a] { a.user.action = "reset-2fa"; });
         CLI::App* password =
             c.add_subcommand("reset-password",
                              "Give an account a new one-time password (a forgotten one); ends its sessions");
         password->add_option("email", a.user.email, "The account's email address")->required();
         db(password);
         password->callback([&a] { a.user.action = "reset-password"; });
       },
       [](const Args& a) { return RunUser(a.user); }},
  };
  return table;
}

}  // namespace

// `vetted biuld`: says the command is unknown, suggests the closest one and
// lists them all; returns 2. 0 when argv[1] is an option or a known command.
int UnknownCommand(int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return 0;
  std::vector<std::string> names;
  for (const auto& s : Table()) names.emplace_back(s.name);
  const std::string typed = argv[1];
  if (std::find(names.begin(), names.end(), typed) != names.end()) return 0;
  std::string hint = util::ClosestMatch(typed, names);
  std::fprintf(stderr, "vetted: unknown command \"%s\"%s\n", typed.c_str(),
               hint.empty() ? "" : ("; did you mean \"" + hint + "\"?").c_str());
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  std::fprintf(stderr, "The commands are: %s. `vetted COMMAND --help` tells more.\n", list.c_str());
  return 2;
}

}  // namespace vetted::cli

namespace {

// Batch commands (build, check, import) allocate a few hundred MB in small pieces; with
// transparent huge pages for malloc's heaps the kernel takes far fewer page
// faults (about 15% off a 10,000-article build, see docs/performance.md).
// An import also keeps malloc to one arena: its threads (reading, parsing,
// hashing) each grew an arena of their own that was faulted in page by page
// and thrown away, about 57,000 page faults on a 10,000-article re-import
// against about 5,000 with one arena (1.0 s of system time on this VM).
// glibc reads these settings only at start-up, from GLIBC_TUNABLES, so the
// process starts itself once more with them set. Nothing happens when the
// variable already names the huge-page tunable or exec fails.
void TuneMallocForBatchWork(int argc, char** argv) {
  if (argc < 2) return;
  const bool import = std::strcmp(argv[1], "import") == 0;
  if (!import && std::strcmp(argv[1], "build") != 0 && std::strcmp(argv[1], "check") != 0) return;
  const char* current = std::getenv("GLIBC_TUNABLES");
  std::string tunables = current ? current : "";
  if (tunables.find("glibc.malloc.hugetlb") != std::string::npos) return;
  std::string add = "glibc.malloc.hugetlb=1";
  if (import && tunables.find("glibc.malloc.arena_max") == std::string::npos)
    add += ":glibc.malloc.arena_max=1";
  tunables += tunables.empty() ? add : ":" + add;
  if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vetted::cli;
  TuneMallocForBatchWork(argc, argv);
  CLI::App app{"vetted: a publishing engine for medically reviewed health content"};
  app.require_subcommand(1);
  app.option_defaults()->always_capture_default();  // every --help shows each option's default
  if (int code = UnknownCommand(argc, argv); code != 0) return code;
  app.set_version_flag("--version", "vetted 0.1.0");
  Args args;
  std::vector<std::pair<CLI::App*, const Subcommand*>> subs;
  for (const auto& s : Table()) {
    CLI::App* c = app.add_subcommand(s.name, s.description);
    s.define(*c, args);
    subs.emplace_back(c, &s);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (const auto& [c, s] : subs)
    if (c->parsed()) return s->run(args);
  return 2;
}
