#include "support/api_test.h"

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace podmeta::testing {
namespace {

// Owns the binary's server: made on first use, shut down after the last test.
class ServerEnvironment : public ::testing::Environment {
 public:
  TestServer& server() {
    if (server_ == nullptr) server_ = std::make_unique<TestServer>();
    return *server_;
  }
  void TearDown() override { server_.reset(); }

 private:
  std::unique_ptr<TestServer> server_;
};

ServerEnvironment* const environment =
    static_cast<ServerEnvironment*>(::testing::AddGlobalTestEnvironment(new ServerEnvironment));

}  // namespace

std::string PodcastIdOf(const std::string& suite, const std::string& test) {
  constexpr size_t kMaxId = 63;
  std::string id;
  for (const char c : suite + "." + test) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      if (!id.empty() && id.back() != '-') id += '-';
      id += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      id += c;
    } else if (!id.empty() && id.back() != '-') {
      id += '-';  // '.', '/', '_' of parameterized tests
    }
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.size() > kMaxId) {
    id = absl::StrFormat("%s-%08x", id.substr(0, kMaxId - 9), static_cast<uint32_t>(absl::HashOf(suite, test)));
  }
  return id;
}

TestServer& ApiTest::server() { return environment->server(); }

std::unique_ptr<Client> ApiTest::NewClient() {
  ClientOptions options;
  options.address = server().address();
  options.max_attempts = 1;
  return std::make_unique<Client>(options);
}

void ApiTest::SetUp() {
  client_ = NewClient();
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  podcast_id_ = PodcastIdOf(test->test_suite_name(), test->name());
  v1::CreatePodcastRequest request;
  request.set_podcast_id(podcast_id_);
  request.mutable_podcast()->set_title(std::string(test->test_suite_name()) + "." + test->name());
  absl::StatusOr<v1::Podcast> created = client_->CreatePodcast(request);
  ASSERT_TRUE(created.ok()) << created.status();
}

v1::Episode ApiTest::CreateEpisode(v1::Episode episode) {
  v1::CreateEpisodeRequest request;
  request.set_parent(podcast());
  *request.mutable_episode() = std::move(episode);
  absl::StatusOr<v1::Episode> created = client_->CreateEpisode(request);
  EXPECT_TRUE(created.ok()) << created.status();
  return created.ok() ? *created : v1::Episode();
}

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const auto& [field, description] : podmeta::FieldViolations(status)) fields.push_back(field);
  return fields;
}

}  // namespace podmeta::testing
