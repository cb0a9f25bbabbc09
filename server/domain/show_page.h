// Parser for podcast show pages, the text shape a podcast platform shows for
// a show (see examples/data/core-py.txt):
//
//   core.py                                   ← show title
//   Pablo Galindo and Łukasz Langa            ← hosts
//   We talk about Python internals, ...       ← description
//   (anything else until the first episode is skipped)
//
//   12 snips                                  ← optional, belongs to the next episode
//   May 3, 2024 • 1h 23min                    ← date • duration (1h 23min, 31min, 1h)
//   Episode 10: The Interactive REPL          ← "Episode N: T", "Episode N - T", or a bare title
//   Oof, no episode in April, huh? ...        ← description, until a blank line
//   ## Outline                                ← or "# Timestamps"
//   (00:00:00) INTRO                          ← chapters; "PART n: ..." titles start parts
//
// Unknown lines are skipped; Unicode is kept byte for byte. Every problem is
// reported with its 1-based line number, and the page is validated with the
// same chapter rules as every other write.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "podmeta/v1/resources.pb.h"

namespace podmeta::domain {

struct PageProblem {
  int line = 0;
  std::string description;
};

struct ParsedEpisode {
  v1::Episode episode;  // no name or guid yet
  std::string episode_id;
  int line = 0;                    // where its date line is
  std::vector<int> chapter_lines;  // where each chapter is
  bool valid = true;               // false when a problem names one of its lines
};

struct ShowPage {
  v1::Podcast podcast;  // title, description, hosts
  std::string podcast_id;
  std::vector<ParsedEpisode> episodes;
  std::vector<PageProblem> problems;  // in line order
};

ShowPage ParseShowPage(absl::string_view text);

// INVALID_ARGUMENT with one violation of field "content" per problem, each
// description starting "line N: ".
absl::Status PageProblemsStatus(const std::vector<PageProblem>& problems);

}  // namespace podmeta::domain
