// Search and Related on PostgreSQL full-text search.
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {

Status IndexArticle(pg::Conn&, int64_t, const std::string&, const SearchDocument&) {
  return Status::Ok();  // not built yet
}
Status UnindexArticle(pg::Conn&, int64_t) {
  return Status::Ok();  // not built yet
}

Result<SearchResults> PostgresStore::Search(const SearchQuery&) {
  return Status::Internal("postgresql: Search is not built yet");
}
Result<std::vector<std::string>> PostgresStore::Related(const std::string&, size_t) {
  return Status::Internal("postgresql: Related is not built yet");
}

}  // namespace vetted::store::postgres
