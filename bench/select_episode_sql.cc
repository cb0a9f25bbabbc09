// Prints the statement GetEpisode runs (storage/queries/select_episode.sql), so the PostgreSQL
// baseline (pgbench) runs exactly podmeta's query and nothing lighter.
#include <iostream>

#include "storage/queries.h"

int main() {
  std::cout << podmeta::storage::kSelectEpisode.sql << '\n';
  return 0;
}
