#include "domain/episode_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"

namespace podmeta::domain {
namespace {

using ::testing::HasSubstr;

// A compact rendering of the tree: (a AND b), (a OR b), NOT a, field op value.
std::string Show(const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kAnd:
      return absl::StrCat("(", Show(node.children[0]), " AND ", Show(node.children[1]), ")");
    case FilterNode::Kind::kOr:
      return absl::StrCat("(", Show(node.children[0]), " OR ", Show(node.children[1]), ")");
    case FilterNode::Kind::kNot:
      return absl::StrCat("NOT ", Show(node.children[0]));
    case FilterNode::Kind::kComparison:
      break;
  }
  static const char* kFields[] = {"publish_time", "number", "person", "has_chapters", "type", "season", "guid"};
  static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">=", ":"};
  return absl::StrCat(kFields[static_cast<int>(node.field)], kOps[static_cast<int>(node.op)], node.value);
}

std::string Parsed(const std::string& filter) {
  auto node = ParseEpisodeFilter(filter);
  if (!node.ok()) return absl::StrCat("error: ", FieldViolationsOf(node.status()).at(0).description);
  return *node ? Show(**node) : "none";
}

TEST(EpisodeFilter, EveryOperator) {
  EXPECT_EQ(Parsed("number = 5"), "number=5");
  EXPECT_EQ(Parsed("number != 5"), "number!=5");
  EXPECT_EQ(Parsed("number < 5"), "number<5");
  EXPECT_EQ(Parsed("number <= 5"), "number<=5");
  EXPECT_EQ(Parsed("number > 5"), "number>5");
  EXPECT_EQ(Parsed("number>=5"), "number>=5");
  EXPECT_EQ(Parsed("person:\"łukasz\""), "person:łukasz");
  EXPECT_EQ(Parsed("has_chapters = true"), "has_chapters=true");
  EXPECT_EQ(Parsed("type = BONUS"), "type=3");
  EXPECT_EQ(Parsed("publish_time >= \"2024-05-01T00:00:00Z\""), "publish_time>=1714521600000000");
  EXPECT_EQ(Parsed(""), "none");
  EXPECT_EQ(Parsed("   "), "none");
}

TEST(EpisodeFilter, OrBindsTighterThanAndAsInAip160) {
  EXPECT_EQ(Parsed("number = 1 AND number = 2 OR number = 3"), "(number=1 AND (number=2 OR number=3))");
  EXPECT_EQ(Parsed("number = 1 OR number = 2 AND number = 3"), "((number=1 OR number=2) AND number=3)");
  EXPECT_EQ(Parsed("(number = 1 AND number = 2) OR number = 3"), "((number=1 AND number=2) OR number=3)");
  EXPECT_EQ(Parsed("number > 1 number < 9"), "(number>1 AND number<9)");
}

TEST(EpisodeFilter, NotAndMinusNegate) {
  EXPECT_EQ(Parsed("NOT has_chapters = true"), "NOT has_chapters=true");
  EXPECT_EQ(Parsed("-type = BONUS AND number > 3"), "(NOT type=3 AND number>3)");
  EXPECT_EQ(Parsed("number = -3"), "number=-3");
}

TEST(EpisodeFilter, SeasonAndGuidLookUpFeedEpisodes) {
  EXPECT_EQ(Parsed("season = 2 AND number = 1"), "(season=2 AND number=1)");
  EXPECT_EQ(Parsed("guid = \"cn-s2e1-e07b\""), "guid=cn-s2e1-e07b");
  EXPECT_THAT(Parsed("guid < \"a\""), HasSubstr("guid takes = or !="));
  EXPECT_THAT(Parsed("season = two"), HasSubstr("season takes an integer"));
}

TEST(EpisodeFilter, ErrorsSayWhere) {
  EXPECT_EQ(Parsed("title = \"x\""),
            "error: at position 1: unknown field \"title\" (filterable: publish_time, "
            "number, season, person or people.display_name, has_chapters, type, guid)");
  EXPECT_THAT(Parsed("number = five"), HasSubstr("at position 10: number takes an integer"));
  EXPECT_THAT(Parsed("(number = 1"), HasSubstr("at position 12: expected \")\" to close the \"(\" at position 1"));
  EXPECT_THAT(Parsed("number = 1)"), HasSubstr("at position 11: unexpected \")\""));
  EXPECT_THAT(Parsed("number"), HasSubstr("at position 7: expected an operator"));
  EXPECT_THAT(Parsed("person = \"open"), HasSubstr("at position 10: string is not closed"));
  EXPECT_THAT(Parsed("type = SPECIAL"), HasSubstr("type takes FULL, TRAILER or BONUS"));
  EXPECT_THAT(Parsed("type < FULL"), HasSubstr("type takes = or !="));
  EXPECT_THAT(Parsed("publish_time > \"yesterday\""), HasSubstr("RFC 3339"));
  EXPECT_THAT(Parsed("number = 1 ; DROP TABLE episodes"), HasSubstr("unexpected character \";\""));
  EXPECT_THAT(Parsed(std::string(3000, '(')), HasSubstr("longer than"));
  EXPECT_THAT(Parsed(absl::StrCat(std::string(100, '('), "number = 1", std::string(100, ')'))),
              HasSubstr("nested too deeply"));
}

TEST(EpisodeFilter, InjectionAttemptsAreJustValues) {
  EXPECT_EQ(Parsed("person = \"x' OR '1'='1\""), "person=x' OR '1'='1");
  EXPECT_EQ(Parsed("person = 'Robert\\'); DROP TABLE episodes;--'"), "person=Robert'); DROP TABLE episodes;--");
}

TEST(EpisodeOrder, AcceptsTheDocumentedOrders) {
  EXPECT_TRUE(ParseEpisodeOrder("")->descending);
  EXPECT_EQ(ParseEpisodeOrder("number")->field, OrderField::kNumber);
  EXPECT_FALSE(ParseEpisodeOrder("number")->descending);
  EXPECT_TRUE(ParseEpisodeOrder("title desc")->descending);
  EXPECT_EQ(ParseEpisodeOrder("publish_time asc")->field, OrderField::kPublishTime);
  EXPECT_EQ(ParseEpisodeOrder("duration").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEpisodeOrder("title; DROP TABLE x").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EpisodeOrder, TakesUpToThreeFieldsEachWithItsDirection) {
  absl::StatusOr<EpisodeOrder> order = ParseEpisodeOrder("season desc, number desc,title");
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->field, OrderField::kSeason);
  EXPECT_TRUE(order->descending);
  ASSERT_EQ(order->then.size(), 2u);
  EXPECT_EQ(order->then[0].field, OrderField::kNumber);
  EXPECT_TRUE(order->then[0].descending);
  EXPECT_EQ(order->then[1].field, OrderField::kTitle);
  EXPECT_FALSE(order->then[1].descending);
  EXPECT_EQ(ParseEpisodeOrder("season, season desc").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEpisodeOrder("season, number, title, publish_time").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseEpisodeOrder("season,").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SearchText, NestedNegationsFoldIntoOne) {
  EXPECT_EQ(NormalizeSearchText(std::string(100, '-')), "");
  EXPECT_EQ(NormalizeSearchText("- - - python"), "python");
  EXPECT_EQ(NormalizeSearchText("---python  -gc \"free threading\""), "-python -gc \"free threading\"");
  EXPECT_EQ(NormalizeSearchText("señal café"), "señal café");
}

TEST(Filter, NonAsciiOutsideQuotesIsAnErrorNamingTheFilter) {
  const absl::Status status = ParseEpisodeFilter("person : Łukasz").status();
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "filter");
  EXPECT_THAT(violations[0].description, ::testing::HasSubstr("\"Ł\""));
  EXPECT_TRUE(ParseEpisodeFilter("person : \"Łukasz\"").ok());
}

}  // namespace
}  // namespace podmeta::domain
