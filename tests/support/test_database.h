// A fresh, empty PostgreSQL database for one test program, in the cluster the
// ctest fixture started (PODMETA_TEST_DATABASE_URL). Dropped at exit.
//
// There is deliberately no fallback: without the variable the test fails,
// so a run without a database can never pass by skipping.
#pragma once

#include <string>

namespace podmeta::testing {

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }

 private:
  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace podmeta::testing
