#include "support/test_database.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

namespace podmeta::testing {
namespace {

std::string AdminUrl() {
  const char* url = std::getenv("PODMETA_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    throw std::runtime_error(
        "PODMETA_TEST_DATABASE_URL is not set: run the tests through ctest, whose fixture starts PostgreSQL");
  }
  return url;
}

// The admin URL names database "postgres" as its path (scripts/pg url).
std::string WithDatabase(const std::string& admin_url, const std::string& name) {
  const std::string marker = "/postgres?";
  const size_t at = admin_url.find(marker);
  if (at == std::string::npos) throw std::runtime_error("unexpected PODMETA_TEST_DATABASE_URL: " + admin_url);
  return admin_url.substr(0, at) + "/" + name + "?" + admin_url.substr(at + marker.size());
}

}  // namespace

TestDatabase::TestDatabase() : admin_url_(AdminUrl()) {
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  name_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(now % 1'000'000'000);
  pqxx::connection admin(admin_url_);
  pqxx::nontransaction session(admin);
  session.exec("CREATE DATABASE " + session.quote_name(name_));
  url_ = WithDatabase(admin_url_, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection admin(admin_url_);
    pqxx::nontransaction session(admin);
    session.exec("DROP DATABASE IF EXISTS " + session.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The cluster is thrown away after the run anyway.
  }
}

}  // namespace podmeta::testing
