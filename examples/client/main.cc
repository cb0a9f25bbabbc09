// Prints every podcast with the number of episodes and chapters it has,
// reading every page through the podmeta client library.
//
//   episode_counts [ADDRESS]
#include <iostream>

#include "podmeta/client.h"

int main(int argc, char** argv) {
  podmeta::ClientOptions options;
  if (argc > 1) options.address = argv[1];
  podmeta::Client client(options);

  podmeta::v1::ListPodcastsRequest request;
  request.set_page_size(1000);
  absl::StatusOr<podmeta::v1::ListPodcastsResponse> podcasts = client.ListPodcasts(request);
  if (!podcasts.ok()) {
    std::cerr << "error: " << podcasts.status() << '\n';
    return 1;
  }
  for (const podmeta::v1::Podcast& podcast : podcasts->podcasts()) {
    int episodes = 0;
    int chapters = 0;
    podmeta::v1::ListEpisodesRequest list;
    list.set_parent(podcast.name());
    list.set_page_size(4);
    absl::Status listed = client.ForEachEpisode(list, [&](const podmeta::v1::Episode& episode) {
      ++episodes;
      chapters += episode.chapter_count();  // the BASIC view counts them without sending them
    });
    if (!listed.ok()) {
      std::cerr << "error: " << listed << '\n';
      return 1;
    }
    std::cout << podcast.name() << " episodes=" << episodes << " chapters=" << chapters << '\n';
  }
  return 0;
}
