// The fixture of the API tests: one podmeta server per test binary
// (in-process, real gRPC on loopback, over a fresh PostgreSQL database), the
// shipped podmeta::Client on it making one attempt per call (no retries, so
// a test sees exactly what one call got), and a podcast of each test's own,
// named after the test, so tests never share rows and pick no numbers to
// stay out of each other's way.
//
//   class ChaptersApiTest : public testing::ApiTest {};
//   TEST_F(ChaptersApiTest, Something) {
//     v1::Episode episode = CreateEpisode(MakeEpisode("One", 1, 1));   // in podcast()
//     absl::StatusOr<v1::Episode> got = client().GetEpisode(episode.name());
//   }
//
// The raw stubs (server().episodes()) are for tests that must send raw bytes.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "podmeta/client.h"
#include "support/test_server.h"

namespace podmeta::testing {

class ApiTest : public ::testing::Test {
 protected:
  // Creates this test's podcast.
  void SetUp() override;

  // This test binary's server, started by the first test that asks.
  static TestServer& server();
  // A client of that server making one attempt per call.
  static std::unique_ptr<Client> NewClient();
  Client& client() { return *client_; }

  // This test's podcast: its id (from the test's name) and resource name.
  const std::string& podcast_id() const { return podcast_id_; }
  std::string podcast() const { return "podcasts/" + podcast_id_; }

  // Creates `episode` in this test's podcast; the test fails if it cannot.
  v1::Episode CreateEpisode(v1::Episode episode);

 private:
  std::unique_ptr<Client> client_;
  std::string podcast_id_;
};

// The id a test's podcast gets: "ChaptersApiTest.ExportNeedsAFormat" →
// "chapters-api-test-export-needs-a-format" (cut to 63 characters, with a
// hash of the whole name when cut).
std::string PodcastIdOf(const std::string& suite, const std::string& test);

// The field paths of the google.rpc.BadRequest violations a status carries.
std::vector<std::string> ViolatedFields(const absl::Status& status);

}  // namespace podmeta::testing
