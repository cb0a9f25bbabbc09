// Writes a parsed show page in one transaction: the podcast and every episode
// are created or updated, or (on any error) nothing is.
#pragma once

#include "absl/status/statusor.h"
#include "domain/requests.h"
#include "domain/show_page.h"
#include "podmeta/v1/podcast_service.pb.h"
#include "storage/database.h"

namespace podmeta::storage {

class ImportStore {
 public:
  explicit ImportStore(Database& database) : database_(database) {}

  // Imports the page's valid episodes. With dry_run, reports what would
  // change and rolls everything back. With a request id, a retry returns the
  // first import's response.
  absl::StatusOr<v1::ImportShowPageResponse> Import(domain::ShowPage page, bool dry_run,
                                                    const domain::RequestIdentity& identity, Deadline deadline);

 private:
  Database& database_;
};

}  // namespace podmeta::storage
