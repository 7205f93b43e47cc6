// store/memory/ internals shared by the backend's files and tests.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/memory/memory_store.h"
#include "store/memory/workflow.h"

namespace vetted::store::memory {

// Search fields: title 10, description 5, headings 4, tags 4, body 1, glossary 0.5.
inline constexpr size_t kFields = 6;

// One published article's search document, tokenized once at import.
struct IndexedDoc {
  std::string url;
  SearchDocument doc;                                                 // as imported
  std::unordered_map<std::string, std::array<uint32_t, kFields>> tf;  // stem -> count per field
  std::array<uint32_t, kFields> length{};                             // tokens per field
};

struct Revision {
  std::string hash;
  std::string bytes;
  std::string created_at;
};

struct Article {
  int64_t id = 0;  // import order: ties in search rank by it
  std::string url;
  bool published = false;
  std::vector<Revision> revisions;  // oldest first
  size_t current = 0;               // index into revisions
  std::shared_ptr<const IndexedDoc> index;
};

struct FeedbackRow {
  int64_t id = 0;
  std::string path;  // article source path
  std::string revision;
  bool helpful = false;
  std::string category;
  std::string comment;
  std::string created_at;
};

// The newsroom's accounts and sessions (accounts.cc); own lock.
struct AccountsData {
  std::shared_mutex mu;  // guards everything below
  int64_t next_id = 1;
  std::map<int64_t, AccountRecord> accounts;      // by id
  std::map<std::string, int64_t> by_email;        // ASCII-lowercased email -> id
  std::map<std::string, SessionRecord> sessions;  // by id_hash
};

// Store::Accounts() of the memory backend, over a store's shared AccountsData.
class MemoryAccounts : public AccountStore {
 public:
  explicit MemoryAccounts(AccountsData& data) : d_(data) {}
  Result<int64_t> AddAccount(const AccountRecord& record) override;
  Result<AccountRecord> FindAccount(const std::string& email) override;
  Result<AccountRecord> GetAccount(int64_t id) override;
  Result<std::vector<AccountRecord>> ListAccounts() override;
  Status UpdateAccount(const AccountRecord& record) override;
  Status AddSession(const SessionRecord& session) override;
  Result<SessionRecord> FindSession(const std::string& id_hash) override;
  Status TouchSession(const std::string& id_hash, long long last_seen) override;
  Status DeleteSession(const std::string& id_hash) override;
  Status DeleteAccountSessions(int64_t account_id) override;
  Result<int64_t> DeleteExpiredSessions(long long seen_before, long long created_before) override;

 private:
  AccountsData& d_;
};

// The limits' state (limits.cc); own lock.
struct LimitsData {
  struct Bucket {
    double tokens = 0;
    double last = 0;
  };
  std::mutex mu;                                           // guards everything below
  std::string secret;                                      // "" until the first LimitsSecret
  std::map<std::string, std::vector<long long>> failures;  // key -> times, oldest first
  std::map<std::string, Bucket> buckets;
};

// Store::Limits() of the memory backend, over a store's shared LimitsData.
class MemoryLimits : public LimitStore {
 public:
  explicit MemoryLimits(LimitsData& data) : d_(data) {}
  Result<std::string> LimitsSecret(const std::string& candidate) override;
  Status AddFailure(const std::string& key, long long at, int keep, long long prune_before) override;
  Result<std::vector<long long>> FailuresSince(const std::string& key, long long since) override;
  Status ClearFailures(const std::string& key) override;
  Result<bool> TakeToken(const std::string& key, double per_second, double burst, double now,
                         double prune_before) override;

 private:
  LimitsData& d_;
};

// One store's data; every Store opened on the same name shares it.
struct Data {
  AccountsData accounts;
  LimitsData limits;
  std::shared_mutex mu;  // guards everything below
  int64_t generation = 0;
  int64_t next_article_id = 1;
  int64_t next_feedback_id = 1;
  std::map<std::string, std::string> files;                      // path -> bytes
  std::map<std::string, Article> articles;                       // source path -> article
  std::unordered_map<std::string, std::string> published_paths;  // published URL -> source path
  std::vector<FeedbackRow> feedback;                             // oldest first
  // What each import changed, for ChangesSince: (generation, article source
  // path); "" stands for "some non-article file". Only the last
  // kChangesKept generations are kept; older ones are dropped.
  std::vector<std::pair<int64_t, std::string>> changes;
  int64_t changes_from = 0;  // ChangesSince answers for generations >= this
  WorkflowData workflow;     // the newsroom's records (workflow.cc)
};

// Store::Import's and Store::Load's work; the caller holds data.mu
// (exclusively for Import) and has validated `input`.
ImportReport ImportLocked(Data& data, const ImportInput& input, const std::string& now);
Snapshot LoadLocked(const Data& data);

// The WorkflowStore over `data` (workflow.cc).
std::unique_ptr<WorkflowStore> MakeMemoryWorkflow(std::shared_ptr<Data> data, const util::Clock& clock);

// Tokenizes and indexes a search document (search.cc).
std::shared_ptr<const IndexedDoc> IndexDocument(const std::string& url, const SearchDocument& doc);

// Store::Search and Store::Related on `data`; the caller holds data.mu (shared).
SearchResults SearchIn(const Data& data, const SearchQuery& query);
Result<std::vector<std::string>> RelatedIn(const Data& data, const std::string& url, size_t limit);

}  // namespace vetted::store::memory
