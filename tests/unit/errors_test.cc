// The error catalog (AIP-193): every reason well-formed, unique, documented,
// and every status a client sees carrying exactly one ErrorInfo.
#include "domain/errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <pqxx/pqxx>
#include <regex>
#include <set>
#include <sstream>

#include "api/status_mapping.h"
#include "domain/page_token.h"
#include "domain/requests.h"
#include "domain/resources.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "storage/sql_errors.h"

namespace podmeta::domain {
namespace {

using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// The ErrorInfo details of what a client receives for `status`.
std::vector<google::rpc::ErrorInfo> SentErrorInfos(const absl::Status& status) {
  const grpc::Status sent = api::ToGrpcStatus(status);
  google::rpc::Status details;
  EXPECT_TRUE(details.ParseFromString(sent.error_details()));
  std::vector<google::rpc::ErrorInfo> infos;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) infos.push_back(info);
  }
  return infos;
}

TEST(ErrorCatalogTest, ReasonsAreInEnumOrderUniqueAndUpperSnakeCase) {
  const std::regex upper_snake("[A-Z][A-Z0-9_]+[A-Z0-9]");
  std::set<std::string> names;
  for (size_t i = 0; i < AllReasons().size(); ++i) {
    const ReasonInfo& info = AllReasons()[i];
    EXPECT_EQ(static_cast<size_t>(info.reason), i) << info.name;
    EXPECT_TRUE(std::regex_match(std::string(info.name), upper_snake)) << info.name;
    EXPECT_LE(info.name.size(), 63u) << info.name;
    EXPECT_NE(info.code, absl::StatusCode::kOk) << info.name;
    EXPECT_TRUE(names.insert(std::string(info.name)).second) << "twice: " << info.name;
  }
  EXPECT_EQ(InfoOf(Reason::kInternal).name, "INTERNAL_ERROR");
}

TEST(ErrorCatalogTest, DocsListEveryReasonWithItsCodeAndNothingElse) {
  std::ifstream file(PODMETA_ERRORS_DOC);
  ASSERT_TRUE(file) << PODMETA_ERRORS_DOC;
  std::stringstream text;
  text << file.rdbuf();
  // Rows of the reasons table: | `REASON` | CODE | meaning |
  const std::regex row(R"(\n\| `([A-Z0-9_]+)` \| ([A-Z_]+) \|)");
  std::set<std::pair<std::string, std::string>> documented;
  const std::string doc = text.str();
  for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it) {
    documented.emplace((*it)[1], (*it)[2]);
  }
  std::set<std::pair<std::string, std::string>> catalog;
  for (const ReasonInfo& info : AllReasons()) {
    catalog.emplace(std::string(info.name), absl::StatusCodeToString(info.code));
  }
  EXPECT_EQ(documented, catalog);
}

TEST(ErrorTest, CarriesItsReasonsCodeDomainAndMetadata) {
  const absl::Status status = Error(Reason::kEpisodeNotFound, "episode podcasts/a/episodes/1 does not exist",
                                    {{"episode", "podcasts/a/episodes/1"}});
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(status), Reason::kEpisodeNotFound);
  const std::vector<google::rpc::ErrorInfo> sent = SentErrorInfos(status);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].reason(), "EPISODE_NOT_FOUND");
  EXPECT_EQ(sent[0].domain(), "podmeta");
  EXPECT_THAT(sent[0].metadata(), UnorderedElementsAre(Pair("episode", "podcasts/a/episodes/1")));
}

TEST(ErrorTest, FieldViolationsCarryInvalidFieldsUnlessTheyNameAnotherReason) {
  EXPECT_EQ(ReasonOf(InvalidField("title", "must not be empty")), Reason::kInvalidFields);
  EXPECT_EQ(ReasonOf(InvalidField("request", "is not a message", Reason::kMalformedRequest)),
            Reason::kMalformedRequest);
  Violations violations;
  violations.Add("a", "b");
  const absl::Status status = violations.ToStatus();
  EXPECT_EQ(ReasonOf(status), Reason::kInvalidFields);
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  const grpc::Status sent = api::ToGrpcStatus(status);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(sent.error_details()));
  ASSERT_EQ(details.details_size(), 2);  // BadRequest, then ErrorInfo
  EXPECT_TRUE(details.details(0).Is<google::rpc::BadRequest>());
  EXPECT_TRUE(details.details(1).Is<google::rpc::ErrorInfo>());
}

TEST(ErrorTest, AStatusWithoutAReasonStillSendsExactlyOneErrorInfo) {
  // A library's status (protobuf's JSON parser, abseil's time parsing).
  std::vector<google::rpc::ErrorInfo> sent = SentErrorInfos(absl::InvalidArgumentError("bad json"));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(sent[0].domain(), "podmeta");
  // An internal error names no internals, in its message or its metadata.
  const absl::Status internal = Error(Reason::kInternal, "SELECT failed: relation x", {{"sql", "SELECT 1"}});
  sent = SentErrorInfos(internal);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].reason(), "INTERNAL_ERROR");
  EXPECT_TRUE(sent[0].metadata().empty());
  EXPECT_EQ(api::ToGrpcStatus(internal).error_message(), "internal error; the server's log has the details");
  EXPECT_TRUE(api::ToGrpcStatus(absl::OkStatus()).error_details().empty());
}

TEST(ErrorTest, MetadataValuesAreValidUtf8AndBounded) {
  const std::string long_value(1000, 'x');
  const absl::Status status = Error(Reason::kPodcastNotFound, "no", {{"podcast", long_value + "\xff"}});
  const std::vector<google::rpc::ErrorInfo> sent = SentErrorInfos(status);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_LE(sent[0].metadata().at("podcast").size(), 210u);
}

TEST(ErrorTest, PageTokensOfAnotherQueryHaveTheirOwnReason) {
  const std::string token = EncodePageToken(QueryFingerprint({"a"}), {"k"});
  EXPECT_EQ(ReasonOf(DecodePageToken(token, QueryFingerprint({"b"})).status()), Reason::kPageTokenMismatch);
  EXPECT_EQ(ReasonOf(DecodePageToken("not-a-token", QueryFingerprint({"b"})).status()), Reason::kInvalidPageToken);
}

TEST(SoftDeleteTest, FollowsAip164AndAPodcastWithEpisodesNeedsForce) {
  v1::Episode episode;
  episode.set_name("podcasts/a/episodes/1");
  ASSERT_TRUE(MarkDeleted("", episode).ok());
  const absl::Status again = MarkDeleted("", episode);
  EXPECT_EQ(again.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(again), Reason::kAlreadyDeleted);
  ASSERT_TRUE(MarkUndeleted("", episode).ok());
  const absl::Status live = MarkUndeleted("", episode);
  EXPECT_EQ(live.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(ReasonOf(live), Reason::kNotDeleted);

  v1::Podcast podcast;
  podcast.set_name("podcasts/a");
  podcast.set_episode_count(2);
  const absl::Status refused = MarkPodcastDeleted("", false, podcast);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(refused), Reason::kPodcastHasEpisodes);
  EXPECT_FALSE(podcast.has_delete_time());
  EXPECT_TRUE(MarkPodcastDeleted("", true, podcast).ok());
  EXPECT_TRUE(podcast.has_delete_time());
  podcast.clear_delete_time();
  podcast.set_episode_count(0);
  EXPECT_TRUE(MarkPodcastDeleted("", false, podcast).ok());
  // The etag is checked before anything else.
  podcast.clear_delete_time();
  podcast.set_etag("7");
  EXPECT_EQ(ReasonOf(MarkPodcastDeleted("6", true, podcast)), Reason::kEtagMismatch);
}

TEST(RequestIdentityTest, FingerprintsTellARetryFromAnotherRequest) {
  v1::InsertChapterRequest request;
  request.set_name("podcasts/a/episodes/1");
  request.mutable_chapter()->set_title("One");
  absl::StatusOr<RequestIdentity> none = RequestIdentityOf(request);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  request.set_request_id("f47ac10b-58cc-4372-a567-0e02b2c3d479");
  absl::StatusOr<RequestIdentity> first = RequestIdentityOf(request);
  absl::StatusOr<RequestIdentity> again = RequestIdentityOf(request);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->request_id, "f47ac10b-58cc-4372-a567-0e02b2c3d479");
  EXPECT_EQ(first->fingerprint, again->fingerprint);
  request.mutable_chapter()->set_title("Two");
  EXPECT_NE(RequestIdentityOf(request)->fingerprint, first->fingerprint);
  // The same fields in another method's request are another request.
  v1::DeleteChapterRequest other;
  other.set_name("podcasts/a/episodes/1");
  other.set_request_id(request.request_id());
  v1::UpdateChapterRequest same_bytes_elsewhere;
  same_bytes_elsewhere.set_name("podcasts/a/episodes/1");
  same_bytes_elsewhere.set_request_id(request.request_id());
  EXPECT_NE(RequestIdentityOf(other)->fingerprint, RequestIdentityOf(same_bytes_elsewhere)->fingerprint);

  request.set_request_id(std::string(129, 'x'));
  EXPECT_EQ(ReasonOf(RequestIdentityOf(request).status()), Reason::kInvalidFields);
  request.set_request_id("with space");
  EXPECT_THAT(FieldViolationsOf(RequestIdentityOf(request).status()),
              ::testing::ElementsAre(::testing::Field(&FieldViolation::field, "request_id")));
}

TEST(SqlErrorsTest, ACommitWithAnUnknownOutcomeSaysRetryWithTheSameRequestId) {
  const absl::Status status =
      storage::StatusFromSqlError(pqxx::in_doubt_error("connection lost during COMMIT"), "commit");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReasonOf(status), Reason::kCommitOutcomeUnknown);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("request_id"));
  EXPECT_EQ(ReasonOf(storage::StatusFromSqlError(pqxx::broken_connection("gone"), "reading")),
            Reason::kDatabaseUnavailable);
  EXPECT_EQ(ReasonOf(storage::StatusFromSqlError(pqxx::unique_violation("dup", "INSERT", "23505"), "writing")),
            Reason::kDuplicateResource);
}

// What libpqxx 6.4 throws when PostgreSQL dies during a statement (seen in
// the reliability test's outage): an sql_error without SQLSTATE.
TEST(SqlErrorsTest, AConnectionThatDiesDuringAStatementIsUnavailableNotInternal) {
  const absl::Status status = storage::StatusFromSqlError(
      pqxx::sql_error("server closed the connection unexpectedly\n\tThis probably means the server terminated "
                      "abnormally\n\tbefore or while processing the request.\n",
                      "SELECT ..."),
      "database call");
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ReasonOf(status), Reason::kDatabaseUnavailable);
  EXPECT_EQ(ReasonOf(storage::StatusFromSqlError(pqxx::sql_error("syntax", "SELECT", "42601"), "reading")),
            Reason::kInternal);
}

}  // namespace
}  // namespace podmeta::domain
