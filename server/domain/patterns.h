// Regular expressions for the parsers of client text (show pages, chapter
// files, field names), run by RE2: matching takes time linear in the input
// and a bounded amount of memory, whatever the pattern and the text, so a
// hostile line cannot overflow the stack or stall a thread the way a
// backtracking engine (std::regex) can.
//
//   static const Pattern kSnips(R"((\d{1,9}) snips?)");
//   if (std::optional<PatternMatch> match = kSnips.FullMatch(line)) {
//     int count = 0;
//     absl::SimpleAtoi(match->view(1), &count);
//   }
#pragma once

#include <re2/re2.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace podmeta::domain {

// The groups of one match; group 0 is the whole match.
class PatternMatch {
 public:
  explicit PatternMatch(std::vector<re2::StringPiece> groups) : groups_(std::move(groups)) {}

  // False for an optional group that took no part in the match.
  bool has(int group) const { return groups_.at(static_cast<size_t>(group)).data() != nullptr; }
  absl::string_view view(int group) const {
    const re2::StringPiece piece = groups_.at(static_cast<size_t>(group));
    return absl::string_view(piece.data(), piece.size());
  }
  std::string str(int group) const { return std::string(view(group)); }

 private:
  std::vector<re2::StringPiece> groups_;
};

class Pattern {
 public:
  // `regex` is RE2 syntax (UTF-8); an invalid pattern is a programming error
  // and aborts at first use.
  explicit Pattern(absl::string_view regex);

  // A match of the whole of `text`.
  std::optional<PatternMatch> FullMatch(absl::string_view text) const;
  // A match at the start of `text` (the rest may be anything).
  std::optional<PatternMatch> PrefixMatch(absl::string_view text) const;
  bool Matches(absl::string_view text) const { return FullMatch(text).has_value(); }
  // The first match anywhere in `text`.
  std::optional<PatternMatch> Search(absl::string_view text) const { return Match(text, RE2::UNANCHORED); }

 private:
  std::optional<PatternMatch> Match(absl::string_view text, RE2::Anchor anchor) const;

  RE2 re2_;
};

}  // namespace podmeta::domain
