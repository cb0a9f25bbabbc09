// Prints the ListEpisodes page token that continues after the given episode
// in the default order (newest first) of a listing of TOTAL episodes, for
// benchmarking deep pages without fetching the 10,000 pages before them.
// Tokens are sealed: SECRET is the servers' (server_secrets.page_tokens, or
// their --page-token-secret-file's first line).
//
//   bench_page_token PARENT PUBLISH_TIME_MICROS EPISODE_ID TOTAL SECRET
#include "domain/page_token.h"

#include <iostream>
#include <string>

#include "domain/episode_query.h"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::cerr << "usage: bench_page_token PARENT PUBLISH_TIME_MICROS EPISODE_ID TOTAL SECRET\n";
    return 2;
  }
  podmeta::domain::SetPageTokenSecrets({argv[5]});
  const uint64_t fingerprint = podmeta::domain::EpisodeListFingerprint(argv[1], "", "", false);
  std::cout << podmeta::domain::EncodeEpisodePageToken(fingerprint, {argv[2], argv[3], std::stoi(argv[4]), {}}) << '\n';
  return 0;
}
