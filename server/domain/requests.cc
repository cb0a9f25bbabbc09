#include "domain/requests.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/patterns.h"
#include "domain/resources.h"
#include "domain/validation.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace podmeta::domain {
namespace {

uint64_t PodcastListFingerprint(const v1::ListPodcastsRequest& request) {
  return QueryFingerprint({"podcasts", request.show_deleted() ? "deleted" : "", request.filter()});
}

// ListPodcasts' filter: `guid = "…"`, `feed_uri = "…"`, joined by AND.
absl::Status ParsePodcastFilter(absl::string_view filter, PodcastListQuery& query) {
  static const Pattern kComparison(R"re(\s*([A-Za-z_]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:(AND)\s+|$))re");
  absl::string_view rest = filter;
  while (!absl::StripAsciiWhitespace(rest).empty()) {
    std::optional<PatternMatch> match = kComparison.PrefixMatch(rest);
    if (!match) {
      return InvalidField("filter", absl::StrCat("at character ", filter.size() - rest.size() + 1,
                                                 ": expected guid = \"…\" or feed_uri = \"…\", joined by AND"));
    }
    std::string value;
    const absl::string_view quoted = match->view(2);
    for (size_t i = 0; i < quoted.size(); ++i) {
      if (quoted[i] == '\\' && i + 1 < quoted.size()) ++i;
      value += quoted[i];
    }
    if (match->view(1) == "guid") {
      query.guid = value;
    } else if (match->view(1) == "feed_uri") {
      query.feed_uri = value;
    } else {
      return InvalidField("filter",
                          absl::StrCat("unknown field ", Quoted(match->view(1)), " (filterable: guid, feed_uri)"));
    }
    const size_t length = static_cast<size_t>(match->view(0).size());
    rest.remove_prefix(length);
    if (!match->has(3) && !absl::StripAsciiWhitespace(rest).empty()) {
      return InvalidField("filter", "comparisons are joined by AND");
    }
  }
  return absl::OkStatus();
}

uint64_t EpisodeListFingerprintOf(const v1::ListEpisodesRequest& request) {
  return EpisodeListFingerprint(request.parent(), request.filter(), request.order_by(), request.show_deleted());
}

uint64_t SearchFingerprint(const v1::SearchEpisodesRequest& request) {
  return QueryFingerprint({"search", request.parent(), request.query()});
}

uint64_t WatchFingerprint(const std::string& parent) { return QueryFingerprint({"watch", parent}); }

}  // namespace

std::string BytesText(size_t bytes) {
  constexpr size_t kMiB = 1024 * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return absl::StrCat(bytes / kMiB, " MiB");
  if (bytes >= 1024 && bytes % 1024 == 0) return absl::StrCat(bytes / 1024, " KiB");
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<PodcastListQuery> PodcastListQueryOf(const v1::ListPodcastsRequest& request) {
  Violations violations;
  PodcastListQuery query;
  query.show_deleted = request.show_deleted();
  violations.Merge(ParsePodcastFilter(request.filter(), query), "filter");
  if (absl::StatusOr<int32_t> page_size = EffectivePageSize(request.page_size()); page_size.ok()) {
    query.page_size = *page_size;
  } else {
    violations.Merge(page_size.status(), "page_size");
  }
  if (!request.page_token().empty()) {
    auto keys = DecodePageToken(request.page_token(), PodcastListFingerprint(request));
    if (!keys.ok()) {
      violations.Merge(keys.status(), "page_token");
    } else if (keys->size() != 1) {
      violations.Merge(InvalidField("page_token", "is not a podcast page token", Reason::kInvalidPageToken),
                       "page_token");
    } else {
      query.after = keys->front();
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

std::string NextPodcastPageToken(const v1::ListPodcastsRequest& request, const std::string& last_podcast_id) {
  return EncodePageToken(PodcastListFingerprint(request), {last_podcast_id});
}

absl::StatusOr<RequestIdentity> RequestIdentityOf(const google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field = request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING ||
      field->is_repeated()) {
    return RequestIdentity{};
  }
  RequestIdentity identity;
  identity.request_id = request.GetReflection()->GetString(request, field);
  if (identity.request_id.empty()) return identity;
  if (identity.request_id.size() > kMaxRequestIdBytes) {
    return InvalidField("request_id", absl::StrCat("must be at most ", BytesText(kMaxRequestIdBytes)));
  }
  for (const char c : identity.request_id) {
    if (c < 0x21 || c > 0x7E) return InvalidField("request_id", "must be printable ASCII without spaces (a UUID, say)");
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  identity.fingerprint = absl::StrFormat("%016x", QueryFingerprint({request.GetDescriptor()->full_name(), bytes}));
  return identity;
}

absl::StatusOr<NewPodcast> NewPodcastOf(const v1::CreatePodcastRequest& request) {
  absl::StatusOr<RequestIdentity> identity = RequestIdentityOf(request);
  if (!identity.ok()) return identity.status();
  absl::StatusOr<std::string> id = ChoosePodcastId(request.podcast_id(), request.podcast());
  if (!id.ok()) return id.status();
  NewPodcast created{*id, request.podcast(), *std::move(identity)};
  if (absl::Status prepared = PrepareNewPodcast(created.podcast_id, created.podcast); !prepared.ok()) return prepared;
  return created;
}

absl::Status CheckShowPageContent(const std::string& content) {
  if (content.size() > kMaxShowPageBytes) {
    return InvalidField("content", absl::StrCat("must be at most ", BytesText(kMaxShowPageBytes)));
  }
  if (!IsValidUtf8(content)) return InvalidField("content", "must be UTF-8");
  return absl::OkStatus();
}

absl::StatusOr<EpisodeListQuery> EpisodeListQueryOf(const v1::ListEpisodesRequest& request) {
  Violations violations;
  EpisodeListQuery query;
  if (auto podcast_id = ParsePodcastName(request.parent(), "parent"); podcast_id.ok()) {
    query.podcast_id = *podcast_id;
  } else {
    violations.Merge(podcast_id.status(), "parent");
  }
  if (auto filter = ParseEpisodeFilter(request.filter()); filter.ok()) {
    query.filter = *std::move(filter);
  } else {
    violations.Merge(filter.status(), "filter");
  }
  if (auto order = ParseEpisodeOrder(request.order_by()); order.ok()) {
    query.order = *order;
  } else {
    violations.Merge(order.status(), "order_by");
  }
  if (auto page_size = EffectivePageSize(request.page_size()); page_size.ok()) {
    query.page_size = *page_size;
  } else {
    violations.Merge(page_size.status(), "page_size");
  }
  if (!request.page_token().empty()) {
    if (auto after = DecodeEpisodePageToken(request.page_token(), EpisodeListFingerprintOf(request)); after.ok()) {
      query.after = *std::move(after);
    } else {
      violations.Merge(after.status(), "page_token");
    }
  }
  if (query.after && query.after->then_keys.size() != query.order.then.size()) {
    violations.Merge(InvalidField("page_token", "is not a page token of this order", Reason::kInvalidPageToken),
                     "page_token");
  }
  query.show_deleted = request.show_deleted();
  query.view = request.view();
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

void ApplyEpisodeView(v1::EpisodeView view, v1::Episode& episode) {
  if (view == v1::EPISODE_VIEW_FULL) return;
  episode.clear_chapters();
  episode.clear_show_notes_html();
}

namespace {

// Presents the episode in `view` and says what it then adds to a response
// that repeats it: its bytes, the field's tag and the length before them.
size_t PresentInView(v1::EpisodeView view, v1::Episode& episode) {
  PresentEpisode(episode);
  ApplyEpisodeView(view, episode);
  const size_t size = episode.ByteSizeLong();
  return size + 1 + google::protobuf::io::CodedOutputStream::VarintSize64(size);
}

}  // namespace

bool FitEpisodePage(const EpisodeListQuery& query, std::vector<v1::Episode>& episodes) {
  const size_t most = std::min(episodes.size(), static_cast<size_t>(query.page_size));
  size_t kept = 0;
  size_t bytes = 0;
  for (; kept < most; ++kept) {
    const size_t size = PresentInView(query.view, episodes[kept]);
    if (kept > 0 && bytes + size > query.byte_budget) break;
    bytes += size;
  }
  const bool more = kept < episodes.size();
  episodes.erase(episodes.begin() + static_cast<std::ptrdiff_t>(kept), episodes.end());
  return more;
}

std::string NextEpisodePageToken(const v1::ListEpisodesRequest& request, const EpisodePagePosition& last) {
  return EncodeEpisodePageToken(EpisodeListFingerprintOf(request), last);
}

absl::StatusOr<EpisodeBatch> EpisodeBatchOf(const v1::BatchGetEpisodesRequest& request) {
  absl::StatusOr<std::string> podcast_id = ParsePodcastName(request.parent(), "parent");
  if (!podcast_id.ok()) return podcast_id.status();
  if (static_cast<size_t>(request.names_size()) > kMaxBatchGet) {
    return InvalidField("names", absl::StrCat("must list at most ", kMaxBatchGet, " names"));
  }
  Violations violations;
  EpisodeBatch batch{*podcast_id, {}};
  for (int i = 0; i < request.names_size(); ++i) {
    const std::string field = absl::StrCat("names[", i, "]");
    absl::StatusOr<EpisodeKey> key = ParseEpisodeName(request.names(i), field);
    if (!key.ok()) {
      violations.Merge(key.status(), field);
    } else if (key->podcast_id != batch.podcast_id) {
      violations.Add(field, "is not an episode of " + request.parent());
    } else {
      batch.episode_ids.push_back(key->episode_id);
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return batch;
}

absl::StatusOr<v1::BatchGetEpisodesResponse> BatchGetAnswer(const v1::BatchGetEpisodesRequest& request,
                                                            std::vector<v1::Episode> episodes) {
  v1::BatchGetEpisodesResponse answer;
  size_t bytes = 0;
  for (v1::Episode& episode : episodes) {
    bytes += PresentInView(request.view(), episode);
    if (bytes > kMaxBatchAnswerBytes) {
      return Error(Reason::kAnswerTooLarge,
                   absl::StrCat("the ", episodes.size(), " episodes asked for take more than ",
                                BytesText(kMaxBatchAnswerBytes), " in this view; ask for fewer names",
                                request.view() == v1::EPISODE_VIEW_FULL ? " or the BASIC view" : ""),
                   {{"names", absl::StrCat(episodes.size())}, {"maxBytes", absl::StrCat(kMaxBatchAnswerBytes)}});
    }
    *answer.add_episodes() = std::move(episode);
  }
  return answer;
}

absl::StatusOr<NewEpisode> NewEpisodeOf(const v1::CreateEpisodeRequest& request) {
  absl::StatusOr<std::string> podcast_id = ParsePodcastName(request.parent(), "parent");
  if (!podcast_id.ok()) return podcast_id.status();
  absl::StatusOr<RequestIdentity> identity = RequestIdentityOf(request);
  if (!identity.ok()) return identity.status();
  absl::StatusOr<std::string> episode_id = ChooseEpisodeId(request.episode_id(), request.episode());
  if (!episode_id.ok()) return episode_id.status();
  NewEpisode created{EpisodeKey{*podcast_id, *episode_id}, request.episode(), *std::move(identity)};
  if (absl::Status prepared = PrepareNewEpisode(created.key, created.episode); !prepared.ok()) return prepared;
  return created;
}

absl::Status ApplyChapterEdit(const v1::ReplaceChaptersRequest& request, v1::Episode& episode) {
  if (absl::Status matches = CheckEtag(episode.etag(), request.etag()); !matches.ok()) return matches;
  return ReplaceChapters(request.chapters(), episode);
}

absl::Status ApplyChapterEdit(const v1::InsertChapterRequest& request, v1::Episode& episode) {
  if (absl::Status matches = CheckEtag(episode.etag(), request.etag()); !matches.ok()) return matches;
  return InsertChapter(request.chapter(), episode);
}

absl::Status ApplyChapterEdit(const v1::UpdateChapterRequest& request, v1::Episode& episode) {
  if (absl::Status matches = CheckEtag(episode.etag(), request.etag()); !matches.ok()) return matches;
  return UpdateChapter({request.index(), request.chapter_id()}, request.chapter(), request.update_mask(), episode);
}

absl::Status ApplyChapterEdit(const v1::DeleteChapterRequest& request, v1::Episode& episode) {
  if (absl::Status matches = CheckEtag(episode.etag(), request.etag()); !matches.ok()) return matches;
  return DeleteChapter({request.index(), request.chapter_id()}, episode);
}

absl::Status ApplyChapterEdit(const v1::ImportChaptersRequest& request, const ChapterFile& file, v1::Episode& episode) {
  if (absl::Status matches = CheckEtag(episode.etag(), request.etag()); !matches.ok()) return matches;
  if (file.format == v1::PODCASTING2_JSON) SetChapterFileInfo(file.info, episode);
  return ReplaceChapters(file.chapters, episode);  // files carry no ids: kept by start and title
}

absl::StatusOr<SearchQuery> SearchQueryOf(const v1::SearchEpisodesRequest& request) {
  Violations violations;
  SearchQuery query;
  if (!request.parent().empty()) {
    if (auto podcast_id = ParsePodcastName(request.parent(), "parent"); podcast_id.ok()) {
      query.podcast_id = *podcast_id;
    } else {
      violations.Merge(podcast_id.status(), "parent");
    }
  }
  if (absl::StripAsciiWhitespace(request.query()).empty()) {
    violations.Add("query", "must not be empty");
  } else if (request.query().size() > kMaxSearchQueryBytes) {
    violations.Add("query", absl::StrCat("must be at most ", BytesText(kMaxSearchQueryBytes)));
  } else if (!IsValidUtf8(request.query())) {
    violations.Add("query", "must be valid UTF-8");
  } else {
    query.text = NormalizeSearchText(request.query());
  }
  if (auto page_size = EffectivePageSize(request.page_size()); page_size.ok()) {
    query.page_size = *page_size;
  } else {
    violations.Merge(page_size.status(), "page_size");
  }
  if (!request.page_token().empty()) {
    auto keys = DecodePageToken(request.page_token(), SearchFingerprint(request));
    int32_t position = 0;
    if (!keys.ok()) {
      violations.Merge(keys.status(), "page_token");
    } else if (keys->size() != 4 || !absl::SimpleAtoi((*keys)[3], &position)) {
      violations.Merge(InvalidField("page_token", "is not a search page token", Reason::kInvalidPageToken),
                       "page_token");
    } else {
      query.after = SearchPagePosition{(*keys)[0], (*keys)[1], (*keys)[2], position};
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

std::string NextSearchPageToken(const v1::SearchEpisodesRequest& request, const SearchPagePosition& last) {
  return EncodePageToken(SearchFingerprint(request),
                         {last.rank, last.podcast_id, last.episode_id, std::to_string(last.position)});
}

absl::StatusOr<std::optional<int64_t>> ResumePointOf(const v1::WatchEpisodesRequest& request) {
  if (request.resume_token().empty()) return std::nullopt;
  auto keys = DecodePageToken(request.resume_token(), WatchFingerprint(request.parent()));
  if (!keys.ok()) {
    // The page-token decoder names its field "page_token"; here it is the resume token.
    Violations violations;
    violations.Add("resume_token", std::string(keys.status().message()));
    return violations.ToStatus(ReasonOf(keys.status()) == Reason::kPageTokenMismatch ? Reason::kResumeTokenMismatch
                                                                                     : Reason::kInvalidResumeToken);
  }
  int64_t change = 0;
  if (keys->size() != 1 || !absl::SimpleAtoi(keys->front(), &change)) {
    return InvalidField("resume_token", "is not a resume token", Reason::kInvalidResumeToken);
  }
  return change;
}

std::string ResumeToken(const std::string& parent, int64_t change_id) {
  return EncodePageToken(WatchFingerprint(parent), {std::to_string(change_id)});
}

}  // namespace podmeta::domain
