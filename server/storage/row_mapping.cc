#include "storage/row_mapping.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "absl/strings/str_cat.h"
#include "domain/resource_names.h"
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
  }
}

// The chapters column: [[start_ms, end_ms, title, image_uri, link_uri, toc, part], ...] in order.
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

v1::Podcast PodcastFromRow(const pqxx::row& row) {
  v1::Podcast podcast;
  podcast.set_name(domain::PodcastName(row[0].c_str()));
  podcast.set_guid(row[1].c_str());
  podcast.set_title(row[2].c_str());
  podcast.set_description(row[3].c_str());
  PeopleFromJson(row[4], podcast.mutable_people());
  podcast.set_language(row[5].c_str());
  podcast.set_image_uri(row[6].c_str());
  podcast.set_feed_uri(row[7].c_str());
  podcast.set_episode_count(row[8].as<int32_t>());
  SetTime(row[9], podcast.mutable_create_time());
  SetTime(row[10], podcast.mutable_update_time());
  if (!row[11].is_null()) SetTime(row[11], podcast.mutable_delete_time());
  podcast.set_etag(Etag(row[12]));
  return podcast;
}

v1::Episode EpisodeFromRow(absl::string_view podcast_id, const pqxx::row& row) {
  v1::Episode episode;
  episode.set_name(domain::EpisodeName({std::string(podcast_id), row[0].c_str()}));
  episode.set_guid(row[1].c_str());
  if (!row[2].is_null()) episode.set_number(row[2].as<int32_t>());
  if (!row[3].is_null()) episode.set_season(row[3].as<int32_t>());
  episode.set_type(static_cast<v1::Episode::Type>(row[4].as<int>()));
  episode.set_title(row[5].c_str());
  episode.set_description(row[6].c_str());
  SetTime(row[7], episode.mutable_publish_time());
  *episode.mutable_duration() = TimeUtil::MillisecondsToDuration(row[8].as<int64_t>());
  PeopleFromJson(row[9], episode.mutable_people());
  episode.set_snip_count(row[10].as<int32_t>());
  SetTime(row[11], episode.mutable_create_time());
  SetTime(row[12], episode.mutable_update_time());
  if (!row[13].is_null()) SetTime(row[13], episode.mutable_delete_time());
  episode.set_etag(Etag(row[14]));
  ChaptersFromJson(row[15], episode.mutable_chapters());
  return episode;
}

std::string PeopleToJson(const google::protobuf::RepeatedPtrField<v1::Person>& people) {
  nlohmann::json list = nlohmann::json::array();
  for (const v1::Person& person : people) {
    list.push_back(
        {{"display_name", person.display_name()}, {"role", static_cast<int>(person.role())}, {"uri", person.uri()}});
  }
  return list.dump();
}

EpisodeArrays EpisodeArraysOf(const std::vector<EpisodeRow>& rows) {
  ArrayLiteral ids, guids, numbers, seasons, types, titles, descriptions, publish_micros, duration_ms, people, snips;
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
  }
  return EpisodeArrays{ids.Finish(),         guids.Finish(),  numbers.Finish(),      seasons.Finish(),
                       types.Finish(),       titles.Finish(), descriptions.Finish(), publish_micros.Finish(),
                       duration_ms.Finish(), people.Finish(), snips.Finish()};
}

ChapterArrays ChapterArraysOf(const std::vector<EpisodeRow>& rows) {
  ArrayLiteral ids, positions, start_ms, end_ms, titles, image_uris, link_uris, tocs, parts;
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
    }
  }
  return ChapterArrays{ids.Finish(),        positions.Finish(), start_ms.Finish(), end_ms.Finish(), titles.Finish(),
                       image_uris.Finish(), link_uris.Finish(), tocs.Finish(),     parts.Finish()};
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

}  // namespace podmeta::storage
