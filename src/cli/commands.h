// cli/: one handler per subcommand, listed in one table (main.cc). Handlers
// return the process exit code and print to stdout/stderr; nothing here is a
// library API.
#pragma once

#include <string>
#include <vector>

#include "server/app.h"

namespace vetted::cli {

struct BuildArgs {
  std::string site = ".";
  std::string out = "public";
  bool quiet = false;
};
int RunBuild(const BuildArgs& args);

struct CheckArgs {
  std::string site = ".";
  std::string format = "text";  // text | json
  double max_grade = -1;
  std::string today;  // YYYY-MM-DD; empty = the system clock's date
};
int RunCheck(const CheckArgs& args);

// The database every store command uses unless --db says otherwise.
inline constexpr const char* kDefaultDb = "vetted.db";

struct ServeArgs {
  std::string db = kDefaultDb;
  std::string db_read;  // a read replica (PostgreSQL only), or empty
  std::string dir;      // serve a built folder instead of the database
  // The server's own defaults (server::ServeOptions, server::AppOptions): one place each.
  std::string listen = server::kDefaultListen;
  int threads = server::ServeOptions{}.threads;
  bool no_cache = !server::AppOptions{}.cache;
  size_t cache_mb = server::AppOptions{}.cache_bytes >> 20;  // the page cache's budget in MiB
  double feedback_per_minute = server::AppOptions{}.feedback_per_minute;
  double feedback_burst = server::AppOptions{}.feedback_burst;
  size_t feedback_batch = server::AppOptions{}.feedback_batch;
  int reload_poll_ms = static_cast<int>(server::AppOptions{}.reload_poll.count());
  bool incremental_reload = server::AppOptions{}.incremental;
  std::string hsts = server::ServeOptions{}.hsts;
  bool access_log = server::ServeOptions{}.access_log;
  std::string ops_token;   // bearer token for the ops routes (/metrics); "" = none
  std::string ops_listen;  // host:port of a second listener serving the ops routes only; "" = none
  // Origins whose scripts may post feedback (CORS), each "https://host[:port]";
  // an item may hold several, comma-separated. Empty = the site's base_url origin.
  std::vector<std::string> cors_origins;
  // The newsroom's session cookie is __Host- and Secure (the site is reached
  // over TLS); also implied by --hsts. See docs/newsroom-admin.md.
  bool secure_cookies = server::AppOptions{}.secure_cookies;
  // Editors and admins must use two-step sign-in (TOTP).
  bool require_2fa = server::AppOptions{}.require_totp;
  // The newsroom's daily digest goes through this shell command ("" = none).
  std::string mail_command;
};
int RunServe(const ServeArgs& args);

struct ImportArgs {
  std::string site = ".";
  std::string db = kDefaultDb;
  bool quiet = false;
  // Import even where the folder would overwrite or unpublish an article
  // published in the newsroom (publish::NewsroomConflicts); refused without.
  bool overwrite_newsroom = false;
};
int RunImport(const ImportArgs& args);

struct ExportArgs {
  std::string db = kDefaultDb;
  std::string out = "public";
  // --site DIR: write the site folder readers see (for `vetted import`)
  // instead of the built HTML; "" = build into `out`.
  std::string site;
  bool quiet = false;
};
int RunExport(const ExportArgs& args);

struct FeedbackExportArgs {
  std::string db = kDefaultDb;
  std::string format = "csv";  // csv | json
  std::string out;             // "" = stdout
};
int RunFeedbackExport(const FeedbackExportArgs& args);

// `vetted user add|list|disable|enable|role|link|reset-2fa|reset-password` (cli/user.cc).
struct UserArgs {
  std::string action;  // "add" | "list" | "disable" | "enable" | "role" | "link" | "reset-2fa" |
                       // "reset-password"
  std::string email;
  std::vector<std::string> roles;  // --role values (each may be comma-separated)
  std::string person;              // --person: a person profile's id ("" with link: unlink)
  std::string db = kDefaultDb;
  bool password_stdin = false;  // read the password from standard input instead of making a one-time one
};
int RunUser(const UserArgs& args);
// `vetted audit verify --db ADDRESS`: recomputes the newsroom's audit chain;
// prints "audit log: N entries, chain intact" (exit 0) or names the first
// entry altered or removed (exit 1).
struct AuditVerifyArgs {
  std::string db = kDefaultDb;
};
int RunAuditVerify(const AuditVerifyArgs& args);

// `vetted migrate --db ADDRESS [--status]`: brings the store's schema to this
// program's version (what every command does when it opens a store; this
// does it alone, e.g. before starting several nodes), or with --status only
// says where it is: "schema: postgresql version 5 of 5 (up to date)".
// Exit 1 when the store is newer than this program or cannot be opened.
struct MigrateArgs {
  std::string db = kDefaultDb;
  bool status = false;
};
int RunMigrate(const MigrateArgs& args);

// `vetted db copy --from ADDRESS --to ADDRESS`: copies the whole site (content,
// revisions, feedback, accounts, the newsroom's workflow and audit log) from
// one SQLite or PostgreSQL store into a new, empty one of either kind, in one
// transaction on the destination; prints the rows copied per table. Exit 1
// (nothing changed) when the destination is not empty, either is a memory:
// store, or a store cannot be opened.
struct DbCopyArgs {
  std::string from;
  std::string to;
};
int RunDbCopy(const DbCopyArgs& args);

struct DevArgs {
  std::string site = ".";
  std::string db = "memory:";  // the store it imports into; in memory unless given
  std::string listen = "127.0.0.1:8080";
};
int RunDev(const DevArgs& args);

struct NewArgs {
  std::string dir;
};
int RunNew(const NewArgs& args);

struct RevisionArgs {
  std::vector<std::string> files;
};
int RunRevision(const RevisionArgs& args);

// `vetted review sign ARTICLE --by PERSON [--date D]` (review.cc).
struct ReviewSignArgs {
  std::string article;
  std::string by;
  std::string date;  // YYYY-MM-DD; empty = today (UTC)
};
int RunReviewSign(const ReviewSignArgs& args);

// `vetted log ARTICLE --db ADDRESS` (log.cc).
struct LogArgs {
  std::string article;
  std::string db = kDefaultDb;
};
int RunLog(const LogArgs& args);

// `vetted diff ARTICLE [FROM [TO]]` (diff.cc).
struct DiffArgs {
  std::string article;
  std::string from;  // empty = the revision of the latest review in the file
  std::string to;    // empty = the file as it is now
  std::string db = kDefaultDb;
};
int RunDiff(const DiffArgs& args);

}  // namespace vetted::cli
