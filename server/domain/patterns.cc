#include "domain/patterns.h"

#include <cstdlib>
#include <iostream>

namespace podmeta::domain {

Pattern::Pattern(absl::string_view regex) : re2_(re2::StringPiece(regex.data(), regex.size())) {
  if (!re2_.ok()) {
    std::cerr << "invalid pattern " << regex << ": " << re2_.error() << "\n";
    std::abort();
  }
}

std::optional<PatternMatch> Pattern::FullMatch(absl::string_view text) const { return Match(text, RE2::ANCHOR_BOTH); }

std::optional<PatternMatch> Pattern::PrefixMatch(absl::string_view text) const {
  return Match(text, RE2::ANCHOR_START);
}

std::optional<PatternMatch> Pattern::Match(absl::string_view text, RE2::Anchor anchor) const {
  std::vector<re2::StringPiece> groups(static_cast<size_t>(re2_.NumberOfCapturingGroups()) + 1);
  if (!re2_.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), anchor, groups.data(),
                  static_cast<int>(groups.size()))) {
    return std::nullopt;
  }
  return PatternMatch(std::move(groups));
}

}  // namespace podmeta::domain
