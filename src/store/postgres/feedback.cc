// AddFeedback, ListFeedback and FindFeedback on PostgreSQL.
#include "store/postgres/store_impl.h"

namespace vetted::store::postgres {

std::vector<Result<int64_t>> PostgresStore::AddFeedback(const std::vector<NewFeedback>& batch) {
  return std::vector<Result<int64_t>>(batch.size(),
                                      Status::Internal("postgresql: AddFeedback is not built yet"));
}
Result<std::vector<FeedbackRecord>> PostgresStore::ListFeedback() {
  return Status::Internal("postgresql: ListFeedback is not built yet");
}
Result<std::vector<FeedbackRecord>> PostgresStore::FindFeedback(const FeedbackFilter&) {
  return Status::Internal("postgresql: FindFeedback is not built yet");
}

}  // namespace vetted::store::postgres
