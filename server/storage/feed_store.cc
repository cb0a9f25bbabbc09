#include "storage/feed_store.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/feed_import.h"
#include "domain/import.h"
#include "domain/resources.h"
#include "domain/validation.h"
#include "google/protobuf/util/message_differencer.h"
#include "storage/request_ids.h"
#include "storage/rows.h"

namespace podmeta::storage {
namespace {

using google::protobuf::util::MessageDifferencer;

std::optional<FeedPodcast> FindIn(pqxx::transaction_base& transaction, const std::string& guid,
                                  const std::string& feed_uri, const std::string& podcast_id) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(kFindFeedPodcast), guid, feed_uri, podcast_id);
  if (rows.empty()) return std::nullopt;
  const pqxx::row& row = rows[0];
  FeedPodcast found;
  found.podcast_id = row["podcast_id"].c_str();
  found.guid = row["guid"].c_str();
  found.feed_uri = row["feed_uri"].c_str();
  found.etag = row["feed_etag"].c_str();
  found.last_modified = row["feed_last_modified"].c_str();
  return found;
}

void Warn(v1::ImportFeedResponse& response, int line, std::string description) {
  v1::ImportProblem* warning = response.add_warnings();
  warning->set_line(line);
  warning->set_description(std::move(description));
}

// Stored episodes by the keys items are matched with.
class StoredEpisodes {
 public:
  explicit StoredEpisodes(std::vector<v1::Episode> episodes) : episodes_(std::move(episodes)) {
    for (size_t i = 0; i < episodes_.size(); ++i) {
      const v1::Episode& episode = episodes_[i];
      ids_.insert(EpisodeIdOf(episode));
      by_guid_.emplace(episode.guid(), i);
      if (!episode.enclosure().uri().empty()) by_enclosure_.emplace(episode.enclosure().uri(), i);
      by_title_and_time_.emplace(TitleAndTime(episode), i);
    }
  }

  // The stored episode an item is, if any (each at most once).
  const v1::Episode* Match(const v1::Episode& item) {
    for (auto* index : {&by_guid_, &by_enclosure_, &by_title_and_time_}) {
      const std::string key = index == &by_guid_        ? item.guid()
                              : index == &by_enclosure_ ? item.enclosure().uri()
                                                        : TitleAndTime(item);
      if (key.empty()) continue;
      auto found = index->find(key);
      if (found != index->end() && claimed_.insert(found->second).second) return &episodes_[found->second];
    }
    return nullptr;
  }

  absl::flat_hash_set<std::string>& ids() { return ids_; }

 private:
  static std::string TitleAndTime(const v1::Episode& episode) {
    return absl::StrCat(episode.title(), "\n", episode.publish_time().seconds());
  }

  std::vector<v1::Episode> episodes_;
  absl::flat_hash_set<std::string> ids_;
  absl::flat_hash_map<std::string, size_t> by_guid_, by_enclosure_, by_title_and_time_;
  absl::flat_hash_set<size_t> claimed_;
};

}  // namespace

absl::StatusOr<std::optional<FeedPodcast>> FeedStore::Find(const std::string& guid, const std::string& feed_uri,
                                                           const std::string& podcast_id, Deadline deadline) {
  return database_.Read(
      deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<std::optional<FeedPodcast>> {
        std::optional<FeedPodcast> found = FindIn(transaction, guid, feed_uri, podcast_id);
        if (!found) return found;
        for (const pqxx::row& row :
             transaction.exec_prepared(StatementName(kSelectStoredChapters), found->podcast_id)) {
          found->chapters_by_guid[row["guid"].c_str()] =
              FeedPodcast::StoredChapters{row["chapters_uri"].c_str(), row["has_file_chapters"].as<bool>()};
        }
        return found;
      });
}

absl::StatusOr<v1::ImportFeedResponse> FeedStore::Import(FeedImport import, Deadline deadline) {
  domain::Feed& feed = import.feed;
  const domain::FeedIdentity identity = domain::FeedIdentityOf(feed, import.fetched_uri);
  const std::string& feed_uri = identity.feed_uri;
  const std::string& guid = identity.guid;
  feed.podcast.set_feed_uri(feed_uri);
  absl::StatusOr<std::string> new_id = domain::ChoosePodcastId(import.podcast_id, feed.podcast);
  if (!new_id.ok()) return new_id.status();

  return database_.Transact(
      deadline,
      [&](pqxx::work& transaction) -> absl::StatusOr<v1::ImportFeedResponse> {
        return Once<v1::ImportFeedResponse>(
            transaction, kImportRequests, import.identity, [&]() -> absl::StatusOr<v1::ImportFeedResponse> {
              v1::ImportFeedResponse response;
              transaction.exec_prepared(StatementName(kImportSettings));
              transaction.exec_prepared(StatementName(kLockPodcastImport), "feed/" + (guid.empty() ? *new_id : guid));
              std::optional<FeedPodcast> found = FindIn(transaction, guid, feed_uri, *new_id);
              const std::string podcast_id = found ? found->podcast_id : *new_id;
              transaction.exec_prepared(StatementName(kLockPodcastImport), podcast_id);
              if (found && !guid.empty() && found->guid != guid && !found->feed_uri.empty() &&
                  found->feed_uri != feed_uri) {
                return domain::Error(domain::Reason::kFeedOfOtherPodcast,
                                     absl::StrCat("podcast ", domain::PodcastName(podcast_id), " holds another feed (",
                                                  found->feed_uri, "); import this one with another podcast_id"));
              }
              if (!found) {
                v1::Podcast podcast = feed.podcast;
                podcast.set_guid(guid.empty() ? domain::NewGuid() : guid);
                if (absl::Status valid = domain::PrepareNewPodcast(podcast_id, podcast); !valid.ok()) return valid;
                rows::InsertPodcast(transaction, podcast_id, podcast);
                response.set_podcast_created(true);
              } else {
                absl::StatusOr<v1::Podcast> stored =
                    rows::ReadPodcast(transaction, podcast_id, kSelectPodcastForUpdate);
                if (!stored.ok()) return stored.status();
                if (stored->has_delete_time()) {
                  return domain::Error(
                      domain::Reason::kParentDeleted,
                      absl::StrCat("podcast ", stored->name(), " is deleted; undelete it before importing"));
                }
                v1::Podcast changed = *stored;
                domain::ApplyFeedPodcast(feed.podcast, changed);
                domain::Violations violations;
                domain::ValidatePodcast(changed, "podcast", violations);
                if (!violations.empty()) return violations.ToStatus();
                if (!MessageDifferencer::Equals(changed, *stored)) {
                  rows::UpdatePodcast(transaction, podcast_id, changed);
                  response.set_podcast_updated(true);
                }
              }
              if (!import.fetched_uri.empty()) {
                transaction.exec_prepared(StatementName(kUpdateFeedValidators), podcast_id, import.etag,
                                          import.last_modified, import.fetched_uri);
              }

              StoredEpisodes stored(rows::ReadEpisodes(
                  podcast_id, transaction.exec_prepared(StatementName(kSelectPodcastEpisodesForUpdate), podcast_id)));
              absl::flat_hash_map<int32_t, int> numbers_in_feed;
              for (const domain::FeedItem& item : feed.items) {
                const v1::Episode::Type type = item.episode.type();
                if (item.valid && item.episode.has_number() &&
                    (type == v1::Episode::FULL || type == v1::Episode::TYPE_UNSPECIFIED)) {
                  ++numbers_in_feed[item.episode.number()];
                }
              }
              std::vector<EpisodeRow> created;
              for (domain::FeedItem& item : feed.items) {
                if (!item.valid) continue;
                if (const v1::Episode* current = stored.Match(item.episode)) {
                  const domain::EpisodeKey key{podcast_id, EpisodeIdOf(*current)};
                  if (domain::DecideChapters(item.episode, *current) ==
                      domain::ChaptersDecision::kKeepEditedThroughApi) {
                    Warn(response, item.line,
                         absl::StrCat(domain::EpisodeName(key),
                                      " keeps the chapters edited through the API; the feed's are not applied"));
                  }
                  v1::Episode changed = *current;
                  domain::ApplyFeedEpisode(item.episode, changed);
                  if (MessageDifferencer::Equals(changed, *current)) {
                    domain::RecordImported(response, domain::ImportOutcome::kUnchanged, domain::EpisodeName(key));
                  } else {
                    rows::UpdateEpisode(transaction, key, *current, changed);
                    domain::RecordImported(response, domain::ImportOutcome::kUpdated, domain::EpisodeName(key));
                  }
                  continue;
                }
                const std::string episode_id = domain::NewFeedEpisodeId(item.episode, numbers_in_feed, stored.ids());
                if (item.episode.guid().empty()) item.episode.set_guid(domain::NewGuid());
                created.push_back(EpisodeRow{episode_id, &item.episode});
                domain::RecordImported(response, domain::ImportOutcome::kCreated,
                                       domain::EpisodeName({podcast_id, episode_id}));
              }
              rows::InsertEpisodes(transaction, podcast_id, created);
              absl::StatusOr<v1::Podcast> result = rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
              if (!result.ok()) return result.status();
              *response.mutable_podcast() = *std::move(result);
              return response;
            });
      },
      import.dry_run ? Commit::kNever : Commit::kIfOk);
}

namespace {

absl::StatusOr<std::string> ReadVersion(pqxx::transaction_base& transaction, const std::string& podcast_id) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(kFeedVersion), podcast_id);
  const std::string name = domain::PodcastName(podcast_id);
  if (rows.empty()) {
    return domain::Error(domain::Reason::kPodcastNotFound, absl::StrCat("podcast ", name, " does not exist"),
                         {{"podcast", name}});
  }
  if (rows[0]["deleted"].as<bool>()) {
    return domain::Error(domain::Reason::kResourceDeleted, absl::StrCat("podcast ", name, " is deleted"),
                         {{"podcast", name}});
  }
  return absl::StrCat(rows[0]["revision"].as<int64_t>(), ".", rows[0]["latest_change"].as<int64_t>());
}

}  // namespace

absl::StatusOr<std::string> FeedStore::Version(const std::string& podcast_id, Deadline deadline) {
  return reads_.Read(deadline,
                     [&](pqxx::transaction_base& transaction) { return ReadVersion(transaction, podcast_id); });
}

absl::StatusOr<FeedStore::Export> FeedStore::Read(const std::string& podcast_id, Deadline deadline) {
  return reads_.Read(deadline, [&](pqxx::transaction_base& transaction) -> absl::StatusOr<Export> {
    Export result;
    // The version first: what is read after it is at least as new, so an
    // answer never carries the version of content newer than its own.
    absl::StatusOr<std::string> version = ReadVersion(transaction, podcast_id);
    if (!version.ok()) return version.status();
    result.version = *std::move(version);
    absl::StatusOr<v1::Podcast> podcast = rows::ReadPodcast(transaction, podcast_id, kSelectPodcast);
    if (!podcast.ok()) return podcast.status();
    if (podcast->has_delete_time()) {
      return domain::Error(domain::Reason::kResourceDeleted, absl::StrCat("podcast ", podcast->name(), " is deleted"),
                           {{"podcast", podcast->name()}});
    }
    result.podcast = *std::move(podcast);
    result.episodes =
        rows::ReadEpisodes(podcast_id, transaction.exec_prepared(StatementName(kSelectFeedEpisodes), podcast_id));
    return result;
  });
}

}  // namespace podmeta::storage
