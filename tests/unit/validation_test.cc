#include "domain/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/grpc_test_helpers.h"

namespace podmeta::domain {
namespace {

using ::podmeta::testing::MakeChapter;
using ::podmeta::testing::MakeEpisode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> FieldsOf(const Violations& violations) {
  std::vector<std::string> fields;
  for (const FieldViolation& violation : violations.list()) fields.push_back(violation.field);
  return fields;
}

Violations ValidateEpisodeOf(const v1::Episode& episode) {
  Violations violations;
  ValidateEpisode(episode, "episode", violations);
  return violations;
}

TEST(ChapterValidation, AcceptsStrictlyIncreasingStartsWithinTheEpisode) {
  auto episode = MakeEpisode("Ok", 1, 0, {MakeChapter(0, "INTRO"), MakeChapter(90, "Part"), MakeChapter(123, "More")});
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)), IsEmpty());
}

TEST(ChapterValidation, FirstChapterMayStartAfterZero) {
  auto episode = MakeEpisode("Ok", 1, 0, {MakeChapter(30, "Cold open")});
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)), IsEmpty());
}

TEST(ChapterValidation, ReportsEveryOutOfOrderStartAtOnce) {
  auto episode =
      MakeEpisode("Bad", 1, 0, {MakeChapter(10, "a"), MakeChapter(5, "b"), MakeChapter(20, "c"), MakeChapter(20, "d")});
  Violations violations = ValidateEpisodeOf(episode);
  EXPECT_THAT(FieldsOf(violations),
              ElementsAre("episode.chapters[1].start_offset", "episode.chapters[3].start_offset"));
  EXPECT_THAT(violations.list()[0].description, HasSubstr("must be after episode.chapters[0]"));
}

TEST(ChapterValidation, AllowsTheRoundingMinuteAfterTheListedDurationButNotMore) {
  // 90-minute episode: 90:59 is inside the rounding minute, 91:01 is not.
  auto inside = MakeEpisode("Ok", 1, 0, {MakeChapter(90 * 60 + 59, "OUTRO")});
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(inside)), IsEmpty());
  auto outside = MakeEpisode("Bad", 1, 0, {MakeChapter(91 * 60 + 1, "OUTRO")});
  Violations violations = ValidateEpisodeOf(outside);
  EXPECT_THAT(FieldsOf(violations), ElementsAre("episode.chapters[0].start_offset"));
  EXPECT_THAT(violations.list()[0].description, HasSubstr("after the episode's end"));
}

TEST(ChapterValidation, UnknownDurationDoesNotLimitChapters) {
  auto episode = MakeEpisode("Ok", 1, 0, {MakeChapter(10 * 3600, "Late")});
  episode.clear_duration();
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)), IsEmpty());
}

TEST(ChapterValidation, EndMustBeAfterStartAndNotAfterNextStart) {
  auto episode = MakeEpisode("Bad", 1, 0, {MakeChapter(0, "a"), MakeChapter(60, "b"), MakeChapter(120, "c")});
  episode.mutable_chapters(0)->mutable_end_offset()->set_seconds(61);
  episode.mutable_chapters(1)->mutable_end_offset()->set_seconds(60);
  episode.mutable_chapters(2)->mutable_end_offset()->set_seconds(130);
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)),
              ElementsAre("episode.chapters[0].end_offset", "episode.chapters[1].end_offset"));
}

TEST(ChapterValidation, TitlesMustBeNonEmptyValidUtf8OfAtMost512Bytes) {
  auto episode = MakeEpisode("Ok", 1, 0,
                             {MakeChapter(0, ""), MakeChapter(1, std::string(513, 'x')), MakeChapter(2, "\xC3\x28"),
                              MakeChapter(3, std::string(512, 'y')), MakeChapter(4, "Chrząszcz 🐍")});
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)),
              ElementsAre("episode.chapters[0].title", "episode.chapters[1].title", "episode.chapters[2].title"));
}

TEST(ChapterValidation, OnlyASilentChapterMayBeUntitled) {
  google::protobuf::RepeatedPtrField<v1::Chapter> chapters;
  v1::Chapter* titled = chapters.Add();
  titled->set_title("Intro");
  v1::Chapter* untitled = chapters.Add();
  untitled->mutable_start_offset()->set_seconds(60);
  Violations violations;
  ValidateChapters(chapters, {}, "chapters", violations);
  ASSERT_EQ(violations.list().size(), 1u);
  EXPECT_EQ(violations.list()[0].field, "chapters[1].title");
  EXPECT_THAT(violations.list()[0].description, ::testing::HasSubstr("toc false"));

  untitled->set_toc(false);
  Violations silent;
  ValidateChapters(chapters, {}, "chapters", silent);
  EXPECT_TRUE(silent.empty());
}

TEST(ChapterValidation, ALocationNeedsANameAndAGeoUriAndAnOsmReferenceIfAny) {
  google::protobuf::RepeatedPtrField<v1::Chapter> chapters;
  for (const char* geo :
       {"geo:54.35,18.66", "geo:-33.9,151.2,12;u=35", "geo:91,0", "54.35,18.66", "geo:1", "geo:a,b"}) {
    v1::Chapter* chapter = chapters.Add();
    chapter->mutable_start_offset()->set_seconds(chapters.size() * 10);
    chapter->set_title("Place");
    chapter->mutable_location()->set_name("Somewhere");
    chapter->mutable_location()->set_geo(geo);
  }
  chapters[0].mutable_location()->set_osm("R2346712");
  chapters[1].mutable_location()->set_osm("W5013364#3");
  v1::Chapter* nameless = chapters.Add();
  nameless->mutable_start_offset()->set_seconds(100);
  nameless->set_title("Nameless");
  nameless->mutable_location()->set_geo("geo:0,0");
  nameless->mutable_location()->set_osm("X12");
  Violations violations;
  ValidateChapters(chapters, {}, "chapters", violations);
  std::vector<std::string> fields;
  for (const auto& violation : violations.list()) fields.push_back(violation.field);
  EXPECT_THAT(fields, ::testing::ElementsAre("chapters[2].location.geo", "chapters[3].location.geo",
                                             "chapters[4].location.geo", "chapters[5].location.geo",
                                             "chapters[6].location.name", "chapters[6].location.osm"));
}

TEST(ChapterValidation, NegativeAndSubMillisecondOffsetsAreRejected) {
  auto episode = MakeEpisode("Bad", 1, 0, {MakeChapter(-1, "a"), MakeChapter(5, "b")});
  episode.mutable_chapters(1)->mutable_start_offset()->set_nanos(500);
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)),
              ElementsAre("episode.chapters[0].start_offset", "episode.chapters[1].start_offset"));
}

TEST(ChapterValidation, UrisMustBeAbsoluteHttp) {
  auto episode = MakeEpisode("Bad", 1, 0, {MakeChapter(0, "a")});
  episode.mutable_chapters(0)->set_link_uri("javascript:alert(1)");
  episode.mutable_chapters(0)->set_image_uri("https://example.com/a.png");
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)), ElementsAre("episode.chapters[0].link_uri"));
}

TEST(EpisodeValidation, TextCannotHoldNul) {
  auto episode = MakeEpisode(std::string("Int\0\0ration", 12), 1, 0);
  episode.set_description(std::string("a\0b", 3));
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)), ElementsAre("episode.title", "episode.description"));
}

TEST(EpisodeValidation, RequiresTitleAndPublishTime) {
  v1::Episode episode;
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)), ElementsAre("episode.title", "episode.publish_time"));
}

TEST(EpisodeValidation, RejectsNegativeNumbersAndUnknownTypes) {
  auto episode = MakeEpisode("Bad", -1, 0);
  episode.set_snip_count(-2);
  episode.set_type(static_cast<v1::Episode::Type>(42));
  EXPECT_THAT(FieldsOf(ValidateEpisodeOf(episode)),
              ElementsAre("episode.number", "episode.type", "episode.snip_count"));
}

TEST(NormalizeChapters, PartHeadingsGroupTheChaptersAfterThem) {
  auto episode = MakeEpisode("Ok", 1, 0,
                             {MakeChapter(0, "INTRO"), MakeChapter(90, "PART 1: EuroPython highlights"),
                              MakeChapter(123, "Maintaining pyrepl"), MakeChapter(2400, "PART 2: PyCon PL"),
                              MakeChapter(2500, "An integration event")});
  NormalizeChapters(*episode.mutable_chapters());
  EXPECT_EQ(episode.chapters(0).part(), "");
  EXPECT_EQ(episode.chapters(1).part(), "PART 1: EuroPython highlights");
  EXPECT_EQ(episode.chapters(2).part(), "PART 1: EuroPython highlights");
  EXPECT_EQ(episode.chapters(4).part(), "PART 2: PyCon PL");
  EXPECT_TRUE(episode.chapters(0).toc());
}

TEST(NormalizeChapters, TitlesThatOnlyLookLikePartsDoNotStartOne) {
  auto episode = MakeEpisode("Ok", 1, 0, {MakeChapter(0, "PARTS UNKNOWN"), MakeChapter(1, "PART X: no number")});
  NormalizeChapters(*episode.mutable_chapters());
  EXPECT_EQ(episode.chapters(0).part(), "");
  EXPECT_EQ(episode.chapters(1).part(), "");
}

TEST(DeriveChapterEnds, UsesNextStartAndEpisodeDurationForTheLast) {
  auto episode = MakeEpisode("Ok", 1, 0, {MakeChapter(0, "a"), MakeChapter(60, "b")});
  DeriveChapterEnds(episode);
  EXPECT_EQ(episode.chapters(0).end_offset().seconds(), 60);
  EXPECT_EQ(episode.chapters(1).end_offset().seconds(), 90 * 60);
}

TEST(DeriveChapterEnds, LeavesTheLastOpenWhenItStartsInTheRoundingMinute) {
  auto episode = MakeEpisode("Ok", 1, 0, {MakeChapter(90 * 60 + 30, "OUTRO")});
  DeriveChapterEnds(episode);
  EXPECT_FALSE(episode.chapters(0).has_end_offset());
}

TEST(ErrorSize, QuotedValuesAndMessagesAreBounded) {
  EXPECT_EQ(Quoted("short"), "\"short\"");
  const std::string long_value(100'000, 'x');
  EXPECT_LT(Quoted(long_value).size(), 100u);
  EXPECT_EQ(Quoted(absl::StrCat("ł", std::string(200, 'a'))).substr(0, 3), "\"ł");  // cut on a character boundary
  Violations violations;
  for (int i = 0; i < 500; ++i) violations.Add("content", std::string(200, 'y'));
  const absl::Status status = violations.ToStatus();
  EXPECT_LE(status.message().size(), kMaxMessageBytes + 3);
  // Everything a status carries fits in the 8 KiB a client accepts in
  // trailers: the message percent-encoded (up to 3 bytes a byte) plus the
  // details in base64 (4 bytes per 3), which repeat the message.
  const auto payload = status.GetPayload(kBadRequestTypeUrl);
  ASSERT_TRUE(payload.has_value());
  EXPECT_LT(3 * status.message().size() + (payload->size() + status.message().size()) * 4 / 3, 7000u);
  const size_t detailed = FieldViolationsOf(status).size();
  EXPECT_GE(detailed, 5u);
  EXPECT_LE(detailed, 50u);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("more"));
}

TEST(ErrorSize, ManyShortViolationsAreDetailedUpToFifty) {
  Violations violations;
  for (int i = 0; i < 500; ++i) violations.Add(absl::StrCat("names[", i, "]"), "is not a name");
  EXPECT_EQ(FieldViolationsOf(violations.ToStatus()).size(), 50u);
}

TEST(ErrorText, InvalidUtf8InAViolationIsReplacedSoTheDetailsStillParse) {
  // A field violation quoting a cut character used to make the whole
  // BadRequest unparseable, and the error was lost.
  Violations violations;
  violations.Add("filter", "unexpected character \"\xC5\"");
  const std::vector<FieldViolation> parsed = FieldViolationsOf(violations.ToStatus());
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0].description, "unexpected character \"\xEF\xBF\xBD\"");
  EXPECT_EQ(ValidUtf8("Łukasz \xF0\x9F\x90 ok"), "Łukasz \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD ok");
  EXPECT_EQ(ValidUtf8("Łukasz Poznań"), "Łukasz Poznań");
}

TEST(ErrorText, MergeNeverDropsAnError) {
  Violations violations;
  violations.Merge(absl::OkStatus(), "filter");
  EXPECT_TRUE(violations.empty());
  violations.Merge(absl::InvalidArgumentError("no details here"), "filter");
  violations.Merge(InvalidField("order_by", "is wrong"), "ignored");
  ASSERT_EQ(violations.list().size(), 2u);
  EXPECT_EQ(violations.list()[0].field, "filter");
  EXPECT_EQ(violations.list()[0].description, "no details here");
  EXPECT_EQ(violations.list()[1].field, "order_by");
}

TEST(ErrorText, TruncatedCutsOnACharacterBoundary) {
  EXPECT_EQ(Truncated("abc", 10), "abc");
  EXPECT_EQ(Truncated("aał", 3), "aa…");
}

TEST(RequestText, NulInAnyStringFieldAtAnyDepthIsNamed) {
  v1::Episode episode;
  episode.set_title("fine");
  episode.set_guid(std::string("a\0b", 3));
  episode.add_chapters()->set_title("ok");
  episode.add_chapters()->set_link_uri(std::string("https://x/\0", 11));
  const absl::Status status = CheckRequestText(episode);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldViolation& violation : FieldViolationsOf(status)) fields.push_back(violation.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("guid", "chapters[1].link_uri"));
  episode.set_guid("ab");
  episode.mutable_chapters(1)->set_link_uri("https://x/");
  EXPECT_TRUE(CheckRequestText(episode).ok());
}

TEST(RequestText, GetEpisodesOwnCheckAnswersAsTheGenericOne) {
  // Its one field is all it checks: a new field must be checked there too.
  EXPECT_EQ(v1::GetEpisodeRequest::descriptor()->field_count(), 1);
  for (const std::string& name : {std::string("podcasts/a/episodes/1"), std::string("podcasts/a\0/episodes/1", 22),
                                  std::string("\0", 1), std::string()}) {
    v1::GetEpisodeRequest request;
    request.set_name(name);
    const google::protobuf::Message& generic = request;
    EXPECT_EQ(CheckRequestText(request), CheckRequestText(generic)) << name.size();
  }
}

TEST(CheckEtag, EmptyRequestMatchesAnythingAndAMismatchAborts) {
  EXPECT_TRUE(CheckEtag("\"7\"", "").ok());
  EXPECT_TRUE(CheckEtag("\"7\"", "\"7\"").ok());
  EXPECT_EQ(CheckEtag("\"7\"", "\"6\"").code(), absl::StatusCode::kAborted);
}

TEST(Utf8, RejectsOverlongFormsSurrogatesAndTruncation) {
  EXPECT_TRUE(IsValidUtf8("Łukasz Poznań Giménez"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x90"));      // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

}  // namespace
}  // namespace podmeta::domain
