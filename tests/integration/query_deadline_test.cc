// The database layer's time bound covers a whole transaction, not each
// statement: a call without a deadline of its own stops at the server's cap
// however many statements it runs, and a connection whose statement was
// cancelled never carries the cancel into the next call.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/database.h"
#include "support/test_database.h"

namespace podmeta {
namespace {

TEST(QueryDeadline, ATransactionOfManyStatementsEndsAtTheCallCap) {
  testing::TestDatabase database;
  // Every statement alone is well under the cap; together they are not.
  storage::Database db(database.url(), 1, std::chrono::milliseconds(600));
  int completed = 0;
  const absl::Status status = db.Transact(storage::kNoDeadline, [&](pqxx::work& transaction) -> absl::Status {
    for (int i = 0; i < 5; ++i) {
      transaction.exec("SELECT pg_sleep(0.25)");
      ++completed;
    }
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_LT(completed, 5);
  EXPECT_GE(completed, 1);
  // The next call on the pool runs whole: no cancel meant for the first
  // reaches it.
  for (int round = 0; round < 3; ++round) {
    const absl::Status next = db.Transact(storage::kNoDeadline, [](pqxx::work& transaction) -> absl::Status {
      transaction.exec("SELECT pg_sleep(0.2)");
      transaction.exec("SELECT 1");
      return absl::OkStatus();
    });
    EXPECT_TRUE(next.ok()) << next;
  }
}

TEST(QueryDeadline, AClientDeadlineCutsEvenAReadWithoutTransaction) {
  testing::TestDatabase database;
  storage::Database db(database.url(), 1, std::chrono::milliseconds(30'000));
  const auto deadline = std::chrono::system_clock::now() + std::chrono::milliseconds(300);
  const absl::Status status = db.Read(deadline, [](auto& transaction) -> absl::Status {
    transaction.exec("SELECT pg_sleep(0.2)");
    transaction.exec("SELECT pg_sleep(0.2)");
    transaction.exec("SELECT pg_sleep(0.2)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
}

}  // namespace
}  // namespace podmeta
