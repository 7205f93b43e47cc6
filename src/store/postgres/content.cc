// Import, ImportArticles, ChangesSince, Revisions and RevisionBytes on PostgreSQL.
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {
namespace {
Status NotYet(const char* what) {
  return Status::Internal(std::string("postgresql: ") + what + " is not built yet");
}
}  // namespace

Result<ImportReport> ImportOn(pg::Conn&, const ImportInput&, const std::string&) {
  return NotYet("Import");
}
Result<ImportReport> PostgresStore::Import(const ImportInput&) {
  return NotYet("Import");
}
Result<ImportReport> PostgresStore::ImportArticles(const std::vector<ArticleSource>&) {
  return NotYet("ImportArticles");
}
Result<Changes> PostgresStore::ChangesSince(int64_t) {
  return NotYet("ChangesSince");
}
Result<std::vector<RevisionInfo>> PostgresStore::Revisions(const std::string&) {
  return NotYet("Revisions");
}
Result<std::string> PostgresStore::RevisionBytes(const std::string&, const std::string&) {
  return NotYet("RevisionBytes");
}

}  // namespace vetted::store::postgres
