// Internal to store/ (included by store/store.h): the newsroom's articles,
// their immutable revisions, reviews, publications and the append-only audit
// log, kept in the same database as the content. See Store::Workflow().
//
// The store keeps records; it does not judge them. Who may do what is
// newsroom/'s business (newsroom/workflow.h): it reads and writes through one
// WorkflowTx so that its check and its write see the same state.
//
// Durability: WorkflowStore::Write commits before it returns, as durable as
// the backend makes anything (SQLite: synchronous=FULL; memory: until exit).
// Thread safety: Write and Read may be called from any number of threads;
// writes are serialized (one at a time per database). A WorkflowTx is used by
// the one thread that runs the callback, only during the callback.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/status.h"
#include "store/tickets.h"

namespace vetted::store {

struct Snapshot;
struct ImportInput;
struct ImportReport;

// An article of the newsroom. State names: "draft", "in_review", "approved",
// "published", "unpublished" (newsroom/workflow.h's ArticleState).
struct WfArticle {
  int64_t id = 0;          // set by AddArticle
  std::string path;        // "content/sleep/x.md", unique
  std::string created_at;  // UTC "2026-11-26T06:01:02Z"
  int64_t created_by = 0;  // account id
  std::string state = "draft";
  std::string latest_revision;     // the newest saved revision ("sha256:...")
  std::string submitted_revision;  // the revision in review or approved; "" when none
  std::string live_revision;       // the revision readers see; "" when not live
};

// An immutable revision: the whole source file as saved.
struct WfRevision {
  int64_t article_id = 0;
  std::string hash;    // "sha256:<hex>" (model RevisionOf of `source`)
  std::string source;  // front matter and Markdown, every byte as saved
  std::string parent;  // the revision it was saved on top of; "" for the first
  int64_t author = 0;  // account id
  std::string created_at;
  bool major = false;  // the writer marked the change "major"
};

// A medical reviewer's approval of exactly one revision.
struct WfApproval {
  int64_t article_id = 0;
  std::string revision;
  int64_t reviewer = 0;         // account id
  std::string reviewer_person;  // the reviewer's person profile id (shown on the page)
  std::string note;
  std::string created_at;
};

// A reviewer's request for changes to one revision.
struct WfChangeRequest {
  int64_t article_id = 0;
  std::string revision;
  int64_t reviewer = 0;
  std::string comments;
  std::string created_at;
};

// A publication or an unpublication, done or scheduled.
struct WfPublication {
  int64_t id = 0;  // set by AddPublication
  int64_t article_id = 0;
  std::string action = "publish";  // "publish" | "unpublish"
  std::string revision;            // the revision published ("" for unpublish)
  std::string base_revision;       // non-clinical change: the approved revision it came from
  std::string reason;              // non-clinical change: why it needs no new review
  int64_t by = 0;                  // account id
  std::string created_at;          // when it was asked for
  std::string scheduled_at;        // "" = at once; else UTC time it is due
  std::string done_at;             // "" while pending
};

// A private preview link: a secret token that shows one revision, rendered
// as readers would see it, to whoever holds it until it expires. Only the
// token's hash is kept.
struct WfPreviewLink {
  std::string token_hash;  // "sha256:<hex>" of the token
  int64_t article_id = 0;
  std::string revision;
  int64_t created_by = 0;  // account id
  std::string created_at;  // UTC
  std::string expires_at;  // UTC; the link answers 404 from then on
};

// One entry of the audit log. `prev_hash` is "sha256:" of the previous
// entry's AuditCanonical bytes ("" for the first entry).
struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... set by Append
  std::string at;   // UTC time
  int64_t account = 0;
  std::string action;  // "create", "save", "submit", "approve", ...
  int64_t article_id = 0;
  std::string revision;
  std::string before, after;  // states
  std::string detail;
  std::string prev_hash;  // set by Append
};

// The bytes an entry's successor hashes: a fixed first line, then one
// labelled, quoted field per line (prev_hash included, so the chain covers
// everything before).
std::string AuditCanonical(const AuditEntry& e);
// "sha256:<hex>" of AuditCanonical(e).
std::string AuditHash(const AuditEntry& e);

// What the store keeps besides the entries: how many there are and the hash
// of the last, so a removed or altered last entry is found too.
struct AuditHead {
  int64_t count = 0;
  std::string hash;  // AuditHash of the last entry; "" when none
};

struct AuditCheck {
  size_t entries = 0;
  bool intact = true;
  int64_t first_bad = 0;  // seq of the first entry altered or removed
  std::string problem;    // a sentence naming it
};
// Recomputes the chain of `entries` (in seq order) against `head`.
AuditCheck VerifyAuditChain(const std::vector<AuditEntry>& entries, const AuditHead& head);

// SaveRevision's answer.
struct SaveResult {
  bool conflict = false;        // the base was not the latest revision: nothing stored
  std::string latest_revision;  // the latest revision after the call
  bool added = false;           // a new revision was stored (false: same text as one stored)
  // The revision was stored already, with other bytes: its stored source is
  // now r.source, and the bytes it had are here (so the caller can record
  // what changed). False when added, or when the bytes were the same.
  bool replaced = false;
  std::string replaced_source;
};

// Reads and writes inside one transaction (see WorkflowStore).
class WorkflowTx {
 public:
  virtual ~WorkflowTx() = default;

  // Stores a new article (a.id is set); kConflict when its path is taken.
  virtual Status AddArticle(WfArticle& a) = 0;
  // kNotFound for an unknown id.
  virtual Result<WfArticle> Article(int64_t id) = 0;
  // Every article, by id.
  virtual Result<std::vector<WfArticle>> Articles() = 0;
  // Writes a.state, submitted_revision and live_revision (other fields are
  // fixed or owned by SaveRevision). kNotFound for an unknown id.
  virtual Status UpdateArticle(const WfArticle& a) = 0;

  // Saves r on top of r.parent: when r.parent is not the article's latest
  // revision, nothing is stored and the result says conflict (with the
  // latest). Otherwise r becomes the latest; a revision with the same hash
  // already stored is reused (two saves of the same text are one revision).
  // The hash covers only what readers see as the article, so a reused
  // revision's source may differ from r.source in the rest of the file (old
  // addresses, the contents list, dates): then its stored source is replaced
  // by r.source (SaveResult::replaced, with the bytes it had); its parent,
  // author, created_at and major stay as first stored, and so does its place
  // in Revisions. kNotFound for an unknown article.
  virtual Result<SaveResult> SaveRevision(const WfRevision& r) = 0;
  // The article's revisions, oldest first.
  virtual Result<std::vector<WfRevision>> Revisions(int64_t article_id) = 0;
  // One revision of the article by its hash; kNotFound when it has none. A
  // save needs only this, whatever the length of the article's history.
  virtual Result<WfRevision> Revision(int64_t article_id, const std::string& hash) = 0;

  virtual Status AddApproval(const WfApproval& a) = 0;
  virtual Result<std::vector<WfApproval>> Approvals(int64_t article_id) = 0;  // oldest first
  virtual Status AddChangeRequest(const WfChangeRequest& c) = 0;
  virtual Result<std::vector<WfChangeRequest>> ChangeRequests(int64_t article_id) = 0;

  // Stores p (p.id is set).
  virtual Status AddPublication(WfPublication& p) = 0;
  // Marks a pending publication done at `done_at`; kNotFound when unknown.
  virtual Status FinishPublication(int64_t id, const std::string& done_at) = 0;
  // An article's publications (article_id 0: all), oldest first.
  virtual Result<std::vector<WfPublication>> Publications(int64_t article_id) = 0;

  // Stores a preview link; kConflict when its token_hash is taken.
  virtual Status AddPreviewLink(const WfPreviewLink& link) = 0;
  // The link whose token has this hash (expired or not); kNotFound when none.
  virtual Result<WfPreviewLink> PreviewLink(const std::string& token_hash) = 0;
  // An article's links, oldest first.
  virtual Result<std::vector<WfPreviewLink>> PreviewLinks(int64_t article_id) = 0;

  // Appends e (e.seq and e.prev_hash are set) and moves the head.
  virtual Status AppendAudit(AuditEntry& e) = 0;
  // Entries of one article (0: all), by seq.
  virtual Result<std::vector<AuditEntry>> Audit(int64_t article_id) = 0;
  // The entries of one article whose action is one of `actions`, by seq: what
  // the workflow's rules read without loading every save of a long history.
  virtual Result<std::vector<AuditEntry>> AuditActions(int64_t article_id,
                                                       const std::vector<std::string>& actions) = 0;
  virtual Result<AuditHead> Head() = 0;

  // The published content (Store::Load) as this transaction sees it.
  virtual Result<Snapshot> LoadContent() = 0;
  // Store::Import inside this transaction (committed with it).
  virtual Result<ImportReport> ImportContent(const ImportInput& input) = 0;

  // Readers' error reports as tickets (store/tickets.h), in this
  // transaction; nullptr when the backend keeps none. Owned by the tx.
  virtual TicketTx* Tickets() { return nullptr; }
};

class WorkflowStore {
 public:
  virtual ~WorkflowStore() = default;
  // Runs fn in one write transaction: committed when fn returns ok, rolled
  // back otherwise (its Status is returned). kIo when the backend fails.
  // The memory backend cannot undo ImportContent: call it last.
  virtual Status Write(const std::function<Status(WorkflowTx&)>& fn) = 0;
  // Runs fn in one read-only, consistent view; writes through it fail.
  virtual Status Read(const std::function<Status(WorkflowTx&)>& fn) = 0;
  // VerifyAuditChain over every entry and the head.
  Result<AuditCheck> VerifyAudit();
};

}  // namespace vetted::store
