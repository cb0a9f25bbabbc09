// Search and ListEpisodes filters over the imported core.py page, against a
// real PostgreSQL through real gRPC and the client library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support/api_test.h"

namespace podmeta {
namespace {

using ::podmeta::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// Every test reads the same imported page (the page names its podcast,
// core-py), imported once per test binary; no test writes to it after the
// setup.
class SearchAndFilterTest : public testing::ApiTest {
 protected:
  static void SetUpTestSuite() {
    std::unique_ptr<Client> client = NewClient();
    std::ifstream file(PODMETA_CORE_PY_PAGE);
    std::stringstream content;
    content << file.rdbuf();
    v1::ImportShowPageRequest request;
    request.set_content(content.str());
    absl::StatusOr<v1::ImportShowPageResponse> imported = client->ImportShowPage(request);
    ASSERT_TRUE(imported.ok()) << imported.status();
    // A guest, for the person filter.
    v1::UpdateEpisodeRequest update;
    update.mutable_episode()->set_name("podcasts/core-py/episodes/9");
    auto* guest = update.mutable_episode()->add_people();
    guest->set_display_name("Emily Morehouse-Valcarcel");
    guest->set_role(v1::Person::GUEST);
    update.mutable_update_mask()->add_paths("people");
    absl::StatusOr<v1::Episode> updated = client->UpdateEpisode(update);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }

  std::vector<v1::SearchHit> Search(const std::string& query, int page_size = 100, absl::Status* status_out = nullptr) {
    std::vector<v1::SearchHit> hits;
    v1::SearchEpisodesRequest request;
    request.set_parent("podcasts/core-py");
    request.set_query(query);
    request.set_page_size(page_size);
    do {
      absl::StatusOr<v1::SearchEpisodesResponse> response = client().SearchEpisodes(request);
      if (status_out != nullptr) *status_out = response.status();
      if (!response.ok()) return hits;
      hits.insert(hits.end(), response->hits().begin(), response->hits().end());
      request.set_page_token(response->next_page_token());
    } while (!request.page_token().empty());
    return hits;
  }

  std::vector<int> Numbers(const std::string& filter, const std::string& order_by = "number",
                           absl::Status* status_out = nullptr) {
    v1::ListEpisodesRequest request;
    request.set_parent("podcasts/core-py");
    request.set_filter(filter);
    request.set_order_by(order_by);
    absl::StatusOr<v1::ListEpisodesResponse> response = client().ListEpisodes(request);
    if (status_out != nullptr) *status_out = response.status();
    std::vector<int> numbers;
    if (!response.ok()) return numbers;
    for (const auto& episode : response->episodes()) numbers.push_back(episode.number());
    EXPECT_EQ(response->total_size(), static_cast<int32_t>(numbers.size()));
    return numbers;
  }
};

TEST_F(SearchAndFilterTest, FreeThreadingFindsChaptersInSeveralEpisodesWithTheirMinutes) {
  std::set<std::string> episodes_with_chapters;
  for (const v1::SearchHit& hit : Search("free threading")) {
    if (!hit.has_chapter_index()) continue;
    episodes_with_chapters.insert(hit.episode());
    EXPECT_THAT(hit.snippet(), HasSubstr("<b>"));
    if (hit.episode() == "podcasts/core-py/episodes/14") {
      EXPECT_EQ(hit.chapter_title(), "Free threading memory leaks at interpreter shutdown");
      EXPECT_EQ(hit.chapter_start_offset().seconds(), 1 * 3600 + 24 * 60 + 11);
      EXPECT_EQ(hit.chapter_part(), "PART 4: WHAT'S GOING ON IN CPYTHON");
    }
  }
  EXPECT_GE(episodes_with_chapters.size(), 4u);
  EXPECT_TRUE(episodes_with_chapters.contains("podcasts/core-py/episodes/14"));
  EXPECT_TRUE(episodes_with_chapters.contains("podcasts/core-py/episodes/9"));
}

TEST_F(SearchAndFilterTest, PyreplFindsEpisode14sChapterAt2Minutes3) {
  bool found = false;
  for (const v1::SearchHit& hit : Search("pyrepl")) {
    if (hit.episode() == "podcasts/core-py/episodes/14" && hit.chapter_index() == 2) {
      found = true;
      EXPECT_EQ(hit.chapter_start_offset().seconds(), 123);
      EXPECT_EQ(hit.snippet(), "Maintaining <b>pyrepl</b> forward with pypy");
      EXPECT_EQ(hit.chapter_part(), "PART 1: EuroPython highlights");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(SearchAndFilterTest, UnicodeNamesAreFoundInAnyCase) {
  EXPECT_FALSE(Search("Łukasz").empty());
  EXPECT_EQ(Search("łukasz").size(), Search("ŁUKASZ").size());
  EXPECT_FALSE(Search("Chrząszcz").empty());
  EXPECT_FALSE(Search("Giménez").empty());
}

TEST_F(SearchAndFilterTest, SqlMetacharactersAreJustText) {
  for (const std::string query : {"'; DROP TABLE episodes; --", "\\\" OR 1=1 --", "%_%", "$1", "a:*", "!(&|)"}) {
    absl::Status status;
    Search(query, 10, &status);
    EXPECT_TRUE(status.ok()) << query << ": " << status;
  }
  EXPECT_EQ(Numbers("").size(), 10u) << "the episodes are all still there";
}

TEST_F(SearchAndFilterTest, PagesOfHitsHaveNoDuplicatesAndMatchOneBigPage) {
  const std::vector<v1::SearchHit> small_pages = Search("python", 3);
  const std::vector<v1::SearchHit> one_page = Search("python", 1000);
  ASSERT_EQ(small_pages.size(), one_page.size());
  std::set<std::pair<std::string, int>> seen;
  for (size_t i = 0; i < small_pages.size(); ++i) {
    EXPECT_TRUE(seen.insert({small_pages[i].episode(), small_pages[i].chapter_index()}).second);
    EXPECT_EQ(small_pages[i].episode(), one_page[i].episode());
  }
  for (size_t i = 1; i < one_page.size(); ++i) EXPECT_GE(one_page[i - 1].rank(), one_page[i].rank());
}

TEST_F(SearchAndFilterTest, EmptyQueryIsInvalid) {
  absl::Status status;
  Search("   ", 10, &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("query"));
}

TEST_F(SearchAndFilterTest, FilterOperators) {
  EXPECT_THAT(Numbers("number = 10"), ElementsAre(10));
  EXPECT_THAT(Numbers("number != 10"), ElementsAre(5, 6, 7, 8, 9, 11, 12, 13, 14));
  EXPECT_THAT(Numbers("number < 7"), ElementsAre(5, 6));
  EXPECT_THAT(Numbers("number <= 7"), ElementsAre(5, 6, 7));
  EXPECT_THAT(Numbers("number > 12"), ElementsAre(13, 14));
  EXPECT_THAT(Numbers("number >= 12"), ElementsAre(12, 13, 14));
  EXPECT_THAT(Numbers("has_chapters = false"), ElementsAre(6, 7, 12, 13));
  EXPECT_THAT(Numbers("has_chapters != false"), ElementsAre(5, 8, 9, 10, 11, 14));
  EXPECT_THAT(Numbers("publish_time >= \"2024-05-01T00:00:00Z\""), ElementsAre(10, 11, 12, 13, 14));
  EXPECT_THAT(Numbers("publish_time < \"2024-01-01T00:00:00Z\""), ElementsAre(5));
  EXPECT_THAT(Numbers("type = FULL"), ElementsAre(5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
  EXPECT_THAT(Numbers("type = BONUS"), ElementsAre());
  EXPECT_THAT(Numbers("person = \"Emily Morehouse-Valcarcel\""), ElementsAre(9));
  EXPECT_THAT(Numbers("person:\"morehouse\""), ElementsAre(9));
  EXPECT_THAT(Numbers("person != \"Emily Morehouse-Valcarcel\"").size(), 9u);
  // AIP-160 traversal names the same field.
  EXPECT_THAT(Numbers("people.display_name = \"Emily Morehouse-Valcarcel\""), ElementsAre(9));
}

TEST_F(SearchAndFilterTest, PersonFindsTheHostsCreditedOnThePodcast) {
  // core.py's show page credits its hosts on the podcast, not on each episode.
  absl::StatusOr<v1::Podcast> show = client().GetPodcast("podcasts/core-py");
  ASSERT_TRUE(show.ok()) << show.status();
  ASSERT_FALSE(show->people().empty());
  const std::string host = show->people(0).display_name();
  EXPECT_THAT(Numbers("person = \"" + host + "\"").size(), 10u);
  EXPECT_THAT(Numbers("people.display_name : \"" + host.substr(0, 4) + "\"").size(), 10u);
  EXPECT_THAT(Numbers("person != \"" + host + "\""), ElementsAre());
  // A guest of one episode is not a host of the others.
  EXPECT_THAT(Numbers("person = \"" + host + "\" AND person = \"Emily Morehouse-Valcarcel\""), ElementsAre(9));
}

TEST_F(SearchAndFilterTest, FilterPrecedenceNotAndParentheses) {
  // OR binds tighter than AND (AIP-160).
  EXPECT_THAT(Numbers("number >= 13 AND number = 5 OR number = 14"), ElementsAre(14));
  EXPECT_THAT(Numbers("(number >= 13 AND number = 5) OR number = 14"), ElementsAre(14));
  EXPECT_THAT(Numbers("number = 5 OR number = 14 number > 10"), ElementsAre(14));
  EXPECT_THAT(Numbers("NOT has_chapters = true AND number > 10"), ElementsAre(12, 13));
  EXPECT_THAT(Numbers("-(number < 13)"), ElementsAre(13, 14));
}

TEST_F(SearchAndFilterTest, OrdersAndPagesFollowTheFilter) {
  EXPECT_THAT(Numbers("number > 11", "number desc"), ElementsAre(14, 13, 12));
  EXPECT_THAT(Numbers("number > 11", "publish_time"), ElementsAre(12, 13, 14));
  EXPECT_THAT(Numbers("number < 8", "title"), ElementsAre(6, 5, 7));  // An..., Cinder..., The Old...

  std::vector<int> paged;
  v1::ListEpisodesRequest request;
  request.set_parent("podcasts/core-py");
  request.set_filter("has_chapters = true");
  request.set_order_by("title desc");
  request.set_page_size(2);
  do {
    absl::StatusOr<v1::ListEpisodesResponse> page = client().ListEpisodes(request);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size(), 6);
    for (const auto& episode : page->episodes()) paged.push_back(episode.number());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(paged, Numbers("has_chapters = true", "title desc"));

  // A token from one filter does not work with another.
  request.set_page_size(1);
  absl::StatusOr<v1::ListEpisodesResponse> first = client().ListEpisodes(request);
  ASSERT_TRUE(first.ok()) << first.status();
  request.set_page_token(first->next_page_token());
  request.set_filter("has_chapters = false");
  EXPECT_EQ(client().ListEpisodes(request).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SearchAndFilterTest, BadFiltersSayWhereAndInjectionIsJustAValue) {
  absl::Status status;
  Numbers("number = 5 AND titel = \"x\"", "number", &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("at position 16: unknown field \"titel\""));

  Numbers("", "duration", &status);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("order_by"));

  EXPECT_THAT(Numbers("person = \"x') OR true OR ('\""), ElementsAre());
  EXPECT_THAT(Numbers("person = \"'; DELETE FROM episodes; --\""), ElementsAre());
  EXPECT_EQ(Numbers("").size(), 10u);
}

}  // namespace
}  // namespace podmeta
