// Internal to newsroom/ (included by newsroom/newsroom.h): private preview
// links. A link shows one revision of an article, rendered as readers would
// see it, to anyone who holds it (no sign-in) until it expires; it lets a
// person outside the newsroom (an expert, the person quoted) read a draft.
//
// The token is 32 random bytes (256 bits) as hex; only its SHA-256 is
// stored, so the database does not hold working links. Creating one is an
// audit entry ("preview-link", with the expiry), in the same transaction.
//
// Failures: kForbidden when the actor may not create one (only writers,
// medical reviewers and editors), kNotFound for an unknown article, revision
// or token (an expired token is kNotFound too), kInvalid for a lifetime
// outside 1..kMaxPreviewDays days, kIo when the store fails.
//
// Thread safety: any number of threads may call any method at once.
#pragma once

#include <cstdint>
#include <string>

#include "model/status.h"
#include "store/store.h"
#include "util/util.h"

namespace vetted::newsroom {

struct Actor;

inline constexpr int kMaxPreviewDays = 30;

struct PreviewLinkMade {
  std::string token;       // shown once: /preview/{token}
  std::string expires_at;  // UTC
};

// What a token shows.
struct PreviewTarget {
  int64_t article_id = 0;
  std::string path;  // "content/<section>/<slug>.md"
  std::string revision;
  std::string source;  // the revision's bytes
  std::string expires_at;
};

class Previews {
 public:
  // `store` must have a WorkflowStore; `store` and `clock` outlive this.
  Previews(store::Store& store, const util::Clock& clock);

  // A new link to `revision` of article `id` for `days` days.
  Result<PreviewLinkMade> Create(const Actor& actor, int64_t id, const std::string& revision, int days);
  // The revision a token shows, while the link has not expired.
  Result<PreviewTarget> Open(const std::string& token);

 private:
  store::WorkflowStore& wf_;
  const util::Clock& clock_;
};

}  // namespace vetted::newsroom
