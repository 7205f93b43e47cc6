// Internal to newsroom/ (included by newsroom/newsroom.h): the article
// service. Every operation takes the Actor doing it, checks the rules
// (workflow.h) and writes its records and its audit entry in ONE store
// transaction (store::WorkflowStore::Write), so a refused step changes
// nothing and an accepted one is on record.
//
// Failures (Status codes): kForbidden when a rule refuses (the message says
// why, for a person), kNotFound for an unknown article id, kInvalid for bad
// input (a path outside content/, a malformed time, a site that does not
// pass check's rules at publication: the message lists the errors),
// kConflict for a path already taken, kIo when the store fails. A save on top
// of a stale base is not an error: Saved::conflict says so.
//
// Publishing makes the page live and truthful: the approved revision's text
// with its review records written into the front matter (reviewers pinned to
// that revision, dated at each approval; `updated` set to the publication's
// date), validated with the whole stored site (publish::Validate) and
// imported into the published content in the same transaction.
//
// Thread safety: any number of threads may call any method at once (the
// store serializes the writes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/status.h"
#include "newsroom/workflow.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::newsroom {

struct ArticleOptions {
  SiteRules rules;
  // When set, asked at each step instead of `rules` (the server: the
  // setting in the site.toml being served). Must be thread-safe.
  std::function<SiteRules()> site_rules;
  const util::Clock* clock = &util::SystemClock();  // must outlive the service
};

struct Created {
  int64_t id = 0;
  std::string revision;
};

struct Saved {
  std::string revision;  // the revision saved (when !conflict)
  // The base was not the latest revision: nothing was saved; the latest
  // revision and its source are here for the person to merge (HTTP 409).
  bool conflict = false;
  std::string latest_revision;
  std::string latest_source;
  // The save kept the base revision (what readers see as the article did not
  // change) but changed the rest of the file: front-matter keys outside the
  // revision such as `aliases`, `toc`, `review_interval`, `published`. The
  // revision's stored source is now the saved one; the state and the
  // approvals stay as they were (they cover the revision), and an audit entry
  // "save-settings" records the changed lines, before -> after. The change
  // reaches readers when an editor publishes the revision again. A save that
  // only writes the file differently (SettingsChanges is empty) keeps the
  // stored bytes: nothing is recorded.
  bool settings_only = false;
};

struct PublishRequest {
  std::string revision;
  std::string reason;  // non-clinical change: why it needs no new review
  std::string at;      // "" = now; else a UTC time "2026-12-24T08:00:00Z": scheduled
};

struct Published {
  bool scheduled = false;  // recorded to happen at `at`
  std::string at;          // when it happened or will happen
  bool non_clinical = false;
  std::string base_revision;         // non-clinical: the approved revision it came from
  std::string source;                // the bytes now live (empty when scheduled)
  std::vector<Diagnostic> warnings;  // what check found, none of them errors
};

struct ArticleFilter {
  std::string state;     // "" = any; else a StateName
  std::string author;    // "" = any; else a person id in the latest revision's authors
  int64_t reviewer = 0;  // 0 = any; else an account that approved or requested changes
};

struct ArticleSummary {
  store::WfArticle article;
  std::string title;                 // of the latest revision
  std::vector<std::string> authors;  // person ids, of the latest revision
};

// Everything on record about one article: its production record.
struct ArticleRecord {
  store::WfArticle article;
  std::string title;
  std::vector<std::string> authors;
  std::vector<store::WfRevision> revisions;  // oldest first
  std::vector<store::WfApproval> approvals;
  std::vector<store::WfChangeRequest> change_requests;
  std::vector<store::WfPublication> publications;
  std::vector<store::AuditEntry> audit;
};

class Articles {
 public:
  // `store` must have a WorkflowStore (Store::Workflow() non-null) and outlive this.
  Articles(store::Store& store, ArticleOptions options);

  // A new article at `path` ("content/<section>/<slug>.md") with its first
  // revision; the article is a draft.
  Result<Created> Create(const Actor& actor, const std::string& path, const std::string& source);
  // A new revision on top of `base_revision` (which must be the latest, else
  // Saved::conflict). The article returns to draft for it; the live revision
  // stays live; old approvals stay attached to their revisions. The same
  // revision with other settings: see Saved::settings_only.
  Result<Saved> Save(const Actor& actor, int64_t id, const std::string& source,
                     const std::string& base_revision, bool major);
  Status Submit(const Actor& actor, int64_t id, const std::string& revision);
  Status Approve(const Actor& actor, int64_t id, const std::string& revision, const std::string& note);
  // `comments` must say what to change.
  Status RequestChanges(const Actor& actor, int64_t id, const std::string& revision,
                        const std::string& comments);
  Result<Published> Publish(const Actor& actor, int64_t id, const PublishRequest& request);
  // Now (at "") or at a later time; removes the page from the published content.
  Status Unpublish(const Actor& actor, int64_t id, const std::string& at);
  // Carries out every scheduled publication and unpublication whose time has
  // come, each once, each in its own transaction (one that the rules or the
  // site's check now refuse is recorded as failed). Returns how many ran.
  Result<int> RunScheduled();

  Result<ArticleRecord> Get(int64_t id);  // = History
  // The article's own row (state, latest and live revision) without its
  // history: what a step's answer needs, at the same cost however long the
  // history is. kNotFound for an unknown id.
  Result<store::WfArticle> Row(int64_t id);
  Result<ArticleRecord> History(int64_t id) { return Get(id); }
  Result<std::vector<ArticleSummary>> List(const ArticleFilter& filter);
  // The audit log, oldest first (article 0: all).
  Result<std::vector<store::AuditEntry>> Audit(int64_t article_id = 0);
  // The whole audit chain recomputed (store::VerifyAuditChain).
  Result<store::AuditCheck> VerifyAudit() { return wf_.VerifyAudit(); }

 private:
  // The site's rules now: options_.site_rules() when set, else options_.rules.
  SiteRules Rules() const { return options_.site_rules ? options_.site_rules() : options_.rules; }

  store::Store& store_;
  store::WorkflowStore& wf_;
  ArticleOptions options_;
};

// ---- the published text (published.cc) ----------------------------------------

// One review record to write into the front matter.
struct ReviewRecord {
  std::string by;    // person id
  std::string date;  // YYYY-MM-DD
  std::string revision;
};

// `source` with its front matter's `reviewers`, `updated`, `draft` and
// `non_clinical_change` replaced by `reviews`, `updated` (and
// `non_clinical` when its `from` is set), and `published: <first_published>`
// added when it has none (the date the article was first published, so that
// it stays put at every later publication; `updated` when empty). Whatever
// review records the source held are dropped: only stored approvals are
// shown. kInvalid when the source has no front matter or the edit would
// change the revision.
Result<std::string> PublishedSource(const std::string& source, const std::string& path,
                                    const std::vector<ReviewRecord>& reviews, const std::string& updated,
                                    const NonClinicalChange& non_clinical,
                                    const std::string& first_published = "");

// What differs between two sources of the same revision (article at
// `path`), in words for the record: one line per front-matter key whose
// meaning changed, "<its lines before> -> <its lines after>" ("(none)" for a
// key added or removed; a value's lines joined by "\n"), and a last line when
// the rest of the file changed in ways readers do not see. Keys written
// differently with the same meaning are left out (the keys the revision
// covers always: the revision is the same). "" when nothing changed in
// meaning.
std::string SettingsChanges(const std::string& before, const std::string& after, const std::string& path);

// Whether the live revision's stored source was changed (a settings-only
// save, Saved::settings_only) after it was last published: publishing it
// again brings the change to readers.
bool LiveSettingsChanged(const ArticleRecord& record);
// The same from the live revision's hash and the article's audit log, oldest first.
bool LiveSettingsChanged(const std::string& live_revision, const std::vector<store::AuditEntry>& audit);

}  // namespace vetted::newsroom
