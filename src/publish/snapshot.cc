// Phase 1 from a store: a snapshot's files become a Site, as a folder would.
#include "publish/publish.h"

namespace vetted::publish {

Status LoadSnapshot(store::Snapshot snapshot, load::MemoryFileSystem* files, Site* site) {
  if (snapshot.files.empty())
    return Status::NotFound("the database holds no site yet: run `vetted import SITE` first");
  for (auto& f : snapshot.files) files->Add("site/" + f.path, std::move(f.bytes));
  Result<Site> loaded = load::LoadSite("site", *files);
  if (!loaded.ok()) return loaded.status();
  *site = std::move(*loaded);
  return Status::Ok();
}

}  // namespace vetted::publish
