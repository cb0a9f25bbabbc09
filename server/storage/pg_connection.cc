#include "storage/pg_connection.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"

namespace podmeta::storage {
namespace {

// The handle HandleCapturingConnect opened last on this thread.
thread_local PGconn* captured_handle = nullptr;

// The bounds WithClientTimeouts adds. connect_timeout is per host (libpq
// rounds anything below 2 s up to 2 s); the keepalive settings notice a
// silent peer after about idle + interval × count seconds, tcp_user_timeout
// one that stops acknowledging what was sent.
const std::pair<const char*, const char*> kClientTimeouts[] = {
    {"connect_timeout", "2"},     {"keepalives", "1"},       {"keepalives_idle", "10"},
    {"keepalives_interval", "3"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "10000"},
};

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using Conninfo = std::unique_ptr<PQconninfoOption, ConninfoFree>;

Conninfo Parse(const std::string& dsn) {
  char* error = nullptr;
  Conninfo options(PQconninfoParse(dsn.c_str(), &error));
  if (error != nullptr) PQfreemem(error);
  return options;
}

// A value quoted as libpq's keyword/value syntax wants it.
std::string Quoted(const char* value) {
  std::string quoted = "'";
  for (const char* c = value; *c != '\0'; ++c) {
    if (*c == '\'' || *c == '\\') quoted += '\\';
    quoted += *c;
  }
  return quoted + "'";
}

}  // namespace

HandleCapturingConnect::handle HandleCapturingConnect::do_startconnect(handle orig) {
  orig = pqxx::connect_direct::do_startconnect(orig);
  captured_handle = orig;
  return orig;
}

Connection::Connection(const std::string& dsn)
    : basic_connection_base(WithLastHostFirst(dsn)), handle_(captured_handle) {
  captured_handle = nullptr;
  RememberHost(dsn, handle_);
  // Deprecated in libpqxx 6.4 (reactivation itself is going away); still the
  // only way to keep libpqxx from replacing the handle after a break.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  inhibit_reactivation(true);
#pragma GCC diagnostic pop
  previous_receiver_ = PQsetNoticeReceiver(handle_, &Connection::ReceiveNotice, this);
  previous_receiver_argument_ = nullptr;  // libpq's default receiver ignores it
}

Connection::~Connection() {
  // Before libpqxx closes the handle: nothing may call back into this object.
  if (handle_ != nullptr) PQsetNoticeReceiver(handle_, previous_receiver_, previous_receiver_argument_);
}

bool Connection::TakeReplicationWaitCancelled() {
  const bool cancelled = replication_wait_cancelled_;
  replication_wait_cancelled_ = false;
  return cancelled;
}

void Connection::ReceiveNotice(void* self, const PGresult* notice) {
  auto* connection = static_cast<Connection*>(self);
  const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
  const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
  // PostgreSQL's text for it: "canceling wait for synchronous replication
  // due to user request" (a cancel request; statement_timeout is off by
  // then) or "... and terminating connection ..." (shutdown). Both say the
  // commit is local.
  if (severity != nullptr && absl::string_view(severity) == "WARNING" && message != nullptr &&
      absl::StrContains(message, "synchronous replication")) {
    connection->replication_wait_cancelled_ = true;
  }
  if (connection->previous_receiver_ != nullptr) {
    connection->previous_receiver_(connection->previous_receiver_argument_, notice);
  }
}

namespace {

// The options `dsn` sets, in libpq's order; nullopt when libpq cannot parse it.
std::optional<std::vector<std::pair<std::string, std::string>>> OptionsOf(const std::string& dsn) {
  Conninfo options = Parse(dsn);
  if (options == nullptr) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> set;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val != nullptr) set.emplace_back(option->keyword, option->val);
  }
  return set;
}

std::string KeywordValueString(const std::vector<std::pair<std::string, std::string>>& options) {
  std::string out;
  for (const auto& [keyword, value] : options) {
    absl::StrAppend(&out, out.empty() ? "" : " ", keyword, "=", Quoted(value.c_str()));
  }
  return out;
}

}  // namespace

std::string WithClientTimeouts(const std::string& dsn) {
  auto options = OptionsOf(dsn);
  if (!options) return dsn;
  for (const auto& timeout : kClientTimeouts) {
    const std::string keyword = timeout.first;
    if (std::none_of(options->begin(), options->end(), [&](const auto& set) { return set.first == keyword; })) {
      options->emplace_back(keyword, timeout.second);
    }
  }
  return KeywordValueString(*options);
}

namespace {

// The host (as "host:port") each multi-host connection string reached last.
absl::Mutex last_hosts_mutex;
std::map<std::string, std::string>& LastHosts() ABSL_EXCLUSIVE_LOCKS_REQUIRED(last_hosts_mutex) {
  static auto* last_hosts = new std::map<std::string, std::string>;
  return *last_hosts;
}

// The comma-separated lists of a multi-host string that go together.
constexpr const char* kHostLists[] = {"host", "hostaddr", "port"};

}  // namespace

std::string WithLastHostFirst(const std::string& dsn) {
  std::string last;
  {
    absl::MutexLock lock(&last_hosts_mutex);
    auto found = LastHosts().find(dsn);
    if (found == LastHosts().end()) return dsn;
    last = found->second;
  }
  auto options = OptionsOf(dsn);
  if (!options) return dsn;
  std::map<std::string, std::vector<std::string>> lists;
  for (const auto& [keyword, value] : *options) {
    for (const char* list : kHostLists) {
      if (keyword == list) lists[keyword] = absl::StrSplit(value, ',');
    }
  }
  const std::vector<std::string>& hosts = lists["host"];
  const std::vector<std::string>& ports = lists["port"];
  size_t first = hosts.size();
  for (size_t i = 0; i < hosts.size(); ++i) {
    const std::string& port = ports.size() == hosts.size() ? ports[i] : (ports.empty() ? "" : ports[0]);
    if (absl::StrCat(hosts[i], ":", port) == last) first = i;
  }
  if (first == 0 || first >= hosts.size()) return dsn;
  for (auto& [keyword, value] : *options) {
    std::vector<std::string>& list = lists[keyword];
    if (list.size() != hosts.size()) continue;  // not a host list, or one port for all
    std::rotate(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(first), list.end());
    value = absl::StrJoin(list, ",");
  }
  return KeywordValueString(*options);
}

void RememberHost(const std::string& dsn, const PGconn* connection) {
  if (connection == nullptr || dsn.find(',') == std::string::npos) return;
  const char* host = PQhost(connection);
  const char* port = PQport(connection);
  if (host == nullptr || port == nullptr) return;
  std::string reached = absl::StrCat(host, ":", port);
  absl::MutexLock lock(&last_hosts_mutex);
  LastHosts()[dsn] = std::move(reached);
}

bool AsksForPrimary(const std::string& dsn) {
  const auto options = OptionsOf(dsn);
  return options && std::any_of(options->begin(), options->end(), [](const auto& option) {
           return option.first == "target_session_attrs" &&
                  (option.second == "read-write" || option.second == "primary");
         });
}

}  // namespace podmeta::storage
