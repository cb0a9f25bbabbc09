#include "storage/rows.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"
#include "domain/feed.h"
#include "domain/resource_names.h"
#include "domain/resources.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"

namespace podmeta::storage {
namespace {

using google::protobuf::util::TimeUtil;

std::string Etag(const pqxx::field& revision) { return absl::StrCat("\"", revision.c_str(), "\""); }

void SetTime(const pqxx::field& micros, google::protobuf::Timestamp* time) {
  *time = TimeUtil::MicrosecondsToTimestamp(micros.as<int64_t>());
}

void PeopleFromJson(const pqxx::field& field, google::protobuf::RepeatedPtrField<v1::Person>* people) {
  for (const auto& entry : nlohmann::json::parse(field.c_str())) {
    v1::Person* person = people->Add();
    person->set_display_name(entry.value("display_name", ""));
    person->set_role(static_cast<v1::Person::Role>(entry.value("role", 0)));
    person->set_uri(entry.value("uri", ""));
    person->set_taxonomy_role(entry.value("taxonomy_role", ""));
    person->set_group(entry.value("group", ""));
    person->set_image_uri(entry.value("image_uri", ""));
  }
}

// The fields of a message whose number is above `last_column_field` live in
// one jsonb column (protobuf's JSON, proto field names): the feed-grade
// fields, which are read and written whole and never filtered on.
std::string ExtraFieldsJson(const google::protobuf::Message& message, int last_column_field) {
  std::unique_ptr<google::protobuf::Message> extra(message.New());
  extra->CopyFrom(message);
  const google::protobuf::Descriptor* descriptor = extra->GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    // Computed, never stored: expire_time when read (delete_time plus the
    // retention), chapter_count when presented.
    const std::string& name = descriptor->field(i)->name();
    if (descriptor->field(i)->number() <= last_column_field || name == "expire_time" || name == "chapter_count") {
      extra->GetReflection()->ClearField(extra.get(), descriptor->field(i));
    }
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*extra, &json, options).ok()) return "{}";
  return json;
}

void MergeExtraFields(const pqxx::field& field, google::protobuf::Message& message) {
  if (field.is_null()) return;
  absl::string_view json(field.c_str(), field.size());
  if (json == "{}") return;
  std::unique_ptr<google::protobuf::Message> extra(message.New());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // written by a newer version
  if (google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(json.data(), json.size()), extra.get(),
                                                  options)
          .ok()) {
    message.MergeFrom(*extra);
  }
}

// Podcast fields 1..13 and Episode fields 1..16 are columns of their own.
constexpr int kLastPodcastColumnField = 13;
constexpr int kLastEpisodeColumnField = 16;

// The chapters column: [[start_ms, end_ms, title, image_uri, link_uri, toc, part, chapter_id, location], ...]
// in order (change states recorded before migration 0009 end at part).
void ChaptersFromJson(const pqxx::field& field, google::protobuf::RepeatedPtrField<v1::Chapter>* chapters) {
  if (field.is_null()) return;
  const nlohmann::json list = nlohmann::json::parse(field.c_str());
  chapters->Reserve(static_cast<int>(list.size()));
  for (const nlohmann::json& entry : list) {
    v1::Chapter* chapter = chapters->Add();
    *chapter->mutable_start_offset() = TimeUtil::MillisecondsToDuration(entry[0].get<int64_t>());
    if (!entry[1].is_null()) *chapter->mutable_end_offset() = TimeUtil::MillisecondsToDuration(entry[1].get<int64_t>());
    chapter->set_title(entry[2].get<std::string>());
    chapter->set_image_uri(entry[3].get<std::string>());
    chapter->set_link_uri(entry[4].get<std::string>());
    chapter->set_toc(entry[5].get<bool>());
    chapter->set_part(entry[6].get<std::string>());
    if (entry.size() < 9) continue;
    chapter->set_id(entry[7].get<std::string>());
    if (const nlohmann::json& location = entry[8]; location.is_object()) {
      v1::ChapterLocation* place = chapter->mutable_location();
      place->set_name(location.value("name", ""));
      place->set_geo(location.value("geo", ""));
      place->set_osm(location.value("osm", ""));
    }
  }
}

// Appends to a PostgreSQL array literal, element by element.
class ArrayLiteral {
 public:
  ArrayLiteral& Text(absl::string_view value) {
    Separate();
    literal_ += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') literal_ += '\\';
      literal_ += c;
    }
    literal_ += '"';
    return *this;
  }
  ArrayLiteral& Number(int64_t value) {
    Separate();
    absl::StrAppend(&literal_, value);
    return *this;
  }
  ArrayLiteral& Null() {
    Separate();
    literal_ += "NULL";
    return *this;
  }
  ArrayLiteral& Bool(bool value) {
    Separate();
    literal_ += value ? 't' : 'f';
    return *this;
  }
  ArrayLiteral& OptionalNumber(bool present, int64_t value) { return present ? Number(value) : Null(); }
  std::string Finish() { return literal_ + '}'; }

 private:
  void Separate() {
    if (literal_.size() > 1) literal_ += ',';
  }
  std::string literal_ = "{";
};

}  // namespace

int64_t MicrosOf(const google::protobuf::Timestamp& time) { return TimeUtil::TimestampToMicroseconds(time); }
int64_t MillisOf(const google::protobuf::Duration& duration) { return TimeUtil::DurationToMilliseconds(duration); }

PodcastColumns::PodcastColumns(const pqxx::result& result)
    : podcast_id_(result.column_number("podcast_id")),
      guid_(result.column_number("guid")),
      title_(result.column_number("title")),
      description_(result.column_number("description")),
      people_(result.column_number("people")),
      language_(result.column_number("language")),
      image_uri_(result.column_number("image_uri")),
      feed_uri_(result.column_number("feed_uri")),
      episode_count_(result.column_number("episode_count")),
      create_micros_(result.column_number("create_micros")),
      update_micros_(result.column_number("update_micros")),
      delete_micros_(result.column_number("delete_micros")),
      expire_micros_(result.column_number("expire_micros")),
      revision_(result.column_number("revision")),
      feed_(result.column_number("feed")) {}

v1::Podcast PodcastColumns::Read(const pqxx::row& row) const {
  v1::Podcast podcast;
  podcast.set_name(domain::PodcastName(row[podcast_id_].c_str()));
  podcast.set_guid(row[guid_].c_str());
  podcast.set_title(row[title_].c_str());
  podcast.set_description(row[description_].c_str());
  PeopleFromJson(row[people_], podcast.mutable_people());
  podcast.set_language(row[language_].c_str());
  podcast.set_image_uri(row[image_uri_].c_str());
  // Rows written before feed URLs were kept public, and URLs written
  // through the API, may hold credentials: never shown.
  podcast.set_feed_uri(domain::PublicUri(row[feed_uri_].c_str()));
  podcast.set_episode_count(row[episode_count_].as<int32_t>());
  SetTime(row[create_micros_], podcast.mutable_create_time());
  SetTime(row[update_micros_], podcast.mutable_update_time());
  if (!row[delete_micros_].is_null()) SetTime(row[delete_micros_], podcast.mutable_delete_time());
  if (!row[expire_micros_].is_null()) SetTime(row[expire_micros_], podcast.mutable_expire_time());
  podcast.set_etag(Etag(row[revision_]));
  MergeExtraFields(row[feed_], podcast);
  return podcast;
}

EpisodeColumns::EpisodeColumns(const pqxx::result& result)
    : episode_id_(result.column_number("episode_id")),
      guid_(result.column_number("guid")),
      number_(result.column_number("number")),
      season_(result.column_number("season")),
      episode_type_(result.column_number("episode_type")),
      title_(result.column_number("title")),
      description_(result.column_number("description")),
      publish_micros_(result.column_number("publish_micros")),
      duration_ms_(result.column_number("duration_ms")),
      people_(result.column_number("people")),
      snip_count_(result.column_number("snip_count")),
      create_micros_(result.column_number("create_micros")),
      update_micros_(result.column_number("update_micros")),
      delete_micros_(result.column_number("delete_micros")),
      expire_micros_(result.column_number("expire_micros")),
      revision_(result.column_number("revision")),
      chapters_(result.column_number("chapters")),
      feed_(result.column_number("feed")) {}

v1::Episode EpisodeColumns::Read(absl::string_view podcast_id, const pqxx::row& row) const {
  v1::Episode episode;
  episode.set_name(domain::EpisodeName({std::string(podcast_id), row[episode_id_].c_str()}));
  episode.set_guid(row[guid_].c_str());
  if (!row[number_].is_null()) episode.set_number(row[number_].as<int32_t>());
  if (!row[season_].is_null()) episode.set_season(row[season_].as<int32_t>());
  episode.set_type(static_cast<v1::Episode::Type>(row[episode_type_].as<int>()));
  episode.set_title(row[title_].c_str());
  episode.set_description(row[description_].c_str());
  SetTime(row[publish_micros_], episode.mutable_publish_time());
  *episode.mutable_duration() = TimeUtil::MillisecondsToDuration(row[duration_ms_].as<int64_t>());
  PeopleFromJson(row[people_], episode.mutable_people());
  episode.set_snip_count(row[snip_count_].as<int32_t>());
  SetTime(row[create_micros_], episode.mutable_create_time());
  SetTime(row[update_micros_], episode.mutable_update_time());
  if (!row[delete_micros_].is_null()) SetTime(row[delete_micros_], episode.mutable_delete_time());
  if (!row[expire_micros_].is_null()) SetTime(row[expire_micros_], episode.mutable_expire_time());
  episode.set_etag(Etag(row[revision_]));
  ChaptersFromJson(row[chapters_], episode.mutable_chapters());
  MergeExtraFields(row[feed_], episode);
  return episode;
}

std::string PodcastFeedJson(const v1::Podcast& podcast) { return ExtraFieldsJson(podcast, kLastPodcastColumnField); }
std::string EpisodeFeedJson(const v1::Episode& episode) { return ExtraFieldsJson(episode, kLastEpisodeColumnField); }

std::string PeopleToJson(const google::protobuf::RepeatedPtrField<v1::Person>& people) {
  nlohmann::json list = nlohmann::json::array();
  for (const v1::Person& person : people) {
    nlohmann::json entry = {
        {"display_name", person.display_name()}, {"role", static_cast<int>(person.role())}, {"uri", person.uri()}};
    if (!person.taxonomy_role().empty()) entry["taxonomy_role"] = person.taxonomy_role();
    if (!person.group().empty()) entry["group"] = person.group();
    if (!person.image_uri().empty()) entry["image_uri"] = person.image_uri();
    list.push_back(std::move(entry));
  }
  return list.dump();
}

EpisodeArrays EpisodeArraysOf(const std::vector<EpisodeRow>& rows) {
  ArrayLiteral ids, guids, numbers, seasons, types, titles, descriptions, publish_micros, duration_ms, people, snips,
      feeds;
  for (const auto& [episode_id, episode] : rows) {
    ids.Text(episode_id);
    guids.Text(episode->guid());
    numbers.OptionalNumber(episode->has_number(), episode->number());
    seasons.OptionalNumber(episode->has_season(), episode->season());
    types.Number(episode->type());
    titles.Text(episode->title());
    descriptions.Text(episode->description());
    publish_micros.Number(MicrosOf(episode->publish_time()));
    duration_ms.Number(MillisOf(episode->duration()));
    people.Text(PeopleToJson(episode->people()));
    snips.Number(episode->snip_count());
    feeds.Text(EpisodeFeedJson(*episode));
  }
  return EpisodeArrays{ids.Finish(),         guids.Finish(),  numbers.Finish(),      seasons.Finish(),
                       types.Finish(),       titles.Finish(), descriptions.Finish(), publish_micros.Finish(),
                       duration_ms.Finish(), people.Finish(), snips.Finish(),        feeds.Finish()};
}

ChapterArrays ChapterArraysOf(const std::vector<EpisodeRow>& rows) {
  ArrayLiteral ids, positions, start_ms, end_ms, titles, image_uris, link_uris, tocs, parts, chapter_ids, locations;
  for (const auto& [episode_id, episode] : rows) {
    for (int position = 0; position < episode->chapters_size(); ++position) {
      const v1::Chapter& chapter = episode->chapters(position);
      ids.Text(episode_id);
      positions.Number(position);
      start_ms.Number(MillisOf(chapter.start_offset()));
      end_ms.OptionalNumber(chapter.has_end_offset(), chapter.has_end_offset() ? MillisOf(chapter.end_offset()) : 0);
      titles.Text(chapter.title());
      image_uris.Text(chapter.image_uri());
      link_uris.Text(chapter.link_uri());
      tocs.Bool(chapter.toc());
      parts.Text(chapter.part());
      // Every stored chapter has an id: a new chapter gets its own here
      // (edits keep ids, domain::KeepChapterIds).
      chapter_ids.Text(chapter.id().empty() ? domain::NewChapterId() : chapter.id());
      if (chapter.has_location()) {
        nlohmann::json location = {{"name", chapter.location().name()}, {"geo", chapter.location().geo()}};
        if (!chapter.location().osm().empty()) location["osm"] = chapter.location().osm();
        locations.Text(location.dump());
      } else {
        locations.Null();
      }
    }
  }
  return ChapterArrays{ids.Finish(),    positions.Finish(),   start_ms.Finish(),  end_ms.Finish(),
                       titles.Finish(), image_uris.Finish(),  link_uris.Finish(), tocs.Finish(),
                       parts.Finish(),  chapter_ids.Finish(), locations.Finish()};
}

std::string TextArray(const std::vector<std::string>& values) {
  ArrayLiteral literal;
  for (const std::string& value : values) literal.Text(value);
  return literal.Finish();
}

std::string EpisodeIdOf(const v1::Episode& episode) {
  const size_t slash = episode.name().rfind('/');
  return slash == std::string::npos ? episode.name() : episode.name().substr(slash + 1);
}

namespace rows {
namespace {

bool SameChapters(const v1::Episode& a, const v1::Episode& b) {
  if (a.chapters_size() != b.chapters_size()) return false;
  for (int i = 0; i < a.chapters_size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(a.chapters(i), b.chapters(i))) return false;
  }
  return true;
}

std::optional<int32_t> OptionalNumber(bool present, int32_t value) {
  return present ? std::optional<int32_t>(value) : std::nullopt;
}

void InsertChapters(pqxx::work& transaction, const std::string& podcast_id, const std::vector<EpisodeRow>& episodes) {
  const ChapterArrays arrays = ChapterArraysOf(episodes);
  transaction.exec_prepared(StatementName(kInsertChapters), podcast_id, arrays.episode_ids, arrays.positions,
                            arrays.start_ms, arrays.end_ms, arrays.titles, arrays.image_uris, arrays.link_uris,
                            arrays.tocs, arrays.parts, arrays.chapter_ids, arrays.locations);
}

void WriteChapters(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& episode) {
  transaction.exec_prepared(StatementName(kDeleteChapters), key.podcast_id, key.episode_id);
  if (!episode.chapters().empty()) InsertChapters(transaction, key.podcast_id, {{key.episode_id, &episode}});
}

}  // namespace

absl::StatusOr<v1::Podcast> ReadPodcastForWrite(pqxx::work& transaction, const std::string& podcast_id) {
  transaction.exec_prepared(StatementName(kLockPodcast), podcast_id);
  return ReadPodcast(transaction, podcast_id, kSelectPodcast);
}

absl::StatusOr<v1::Podcast> ReadPodcast(pqxx::transaction_base& transaction, const std::string& podcast_id,
                                        const NamedQuery& query) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(query), podcast_id);
  if (rows.empty()) {
    return domain::Error(domain::Reason::kPodcastNotFound,
                         absl::StrCat("podcast ", domain::PodcastName(podcast_id), " does not exist"),
                         {{"podcast", domain::PodcastName(podcast_id)}});
  }
  return PodcastColumns(rows).Read(rows[0]);
}

void InsertPodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast) {
  transaction.exec_prepared(StatementName(kInsertPodcast), podcast_id, podcast.guid(), podcast.title(),
                            podcast.description(), PeopleToJson(podcast.people()), podcast.language(),
                            podcast.image_uri(), podcast.feed_uri(), PodcastFeedJson(podcast));
}

void UpdatePodcast(pqxx::work& transaction, const std::string& podcast_id, const v1::Podcast& podcast) {
  transaction.exec_prepared(StatementName(kUpdatePodcast), podcast_id, podcast.title(), podcast.description(),
                            PeopleToJson(podcast.people()), podcast.language(), podcast.image_uri(), podcast.feed_uri(),
                            podcast.has_delete_time(), PodcastFeedJson(podcast));
}

std::vector<v1::Episode> ReadEpisodes(const std::string& podcast_id, const pqxx::result& rows) {
  std::vector<v1::Episode> episodes;
  episodes.reserve(rows.size());
  const EpisodeColumns columns(rows);
  for (const pqxx::row& row : rows) episodes.push_back(columns.Read(podcast_id, row));
  return episodes;
}

absl::StatusOr<v1::Episode> ReadEpisode(pqxx::transaction_base& transaction, const domain::EpisodeKey& key,
                                        const NamedQuery& query) {
  const pqxx::result rows = transaction.exec_prepared(StatementName(query), key.podcast_id, key.episode_id);
  if (rows.empty()) {
    return domain::Error(domain::Reason::kEpisodeNotFound,
                         absl::StrCat("episode ", domain::EpisodeName(key), " does not exist"),
                         {{"episode", domain::EpisodeName(key)}});
  }
  return EpisodeColumns(rows).Read(key.podcast_id, rows[0]);
}

void InsertEpisodes(pqxx::work& transaction, const std::string& podcast_id, const std::vector<EpisodeRow>& episodes) {
  if (episodes.empty()) return;
  const EpisodeArrays arrays = EpisodeArraysOf(episodes);
  transaction.exec_prepared(StatementName(kInsertEpisodes), podcast_id, arrays.episode_ids, arrays.guids,
                            arrays.numbers, arrays.seasons, arrays.types, arrays.titles, arrays.descriptions,
                            arrays.publish_micros, arrays.duration_ms, arrays.people, arrays.snip_counts, arrays.feeds);
  InsertChapters(transaction, podcast_id, episodes);
}

void UpdateEpisode(pqxx::work& transaction, const domain::EpisodeKey& key, const v1::Episode& current,
                   const v1::Episode& changed) {
  transaction.exec_prepared(StatementName(kUpdateEpisode), key.podcast_id, key.episode_id,
                            OptionalNumber(changed.has_number(), changed.number()),
                            OptionalNumber(changed.has_season(), changed.season()), static_cast<int>(changed.type()),
                            changed.title(), changed.description(), MicrosOf(changed.publish_time()),
                            MillisOf(changed.duration()), PeopleToJson(changed.people()), changed.snip_count(),
                            changed.has_delete_time(), EpisodeFeedJson(changed));
  if (!SameChapters(changed, current)) WriteChapters(transaction, key, changed);
}

}  // namespace rows

}  // namespace podmeta::storage
