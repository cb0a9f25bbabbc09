// A PostgreSQL connection as podmeta opens it, and the connection string
// every one of them is opened with.
//
// Connection is libpqxx's connection with two things libpqxx 6.4 does not
// give: its libpq handle, which the query watchdog needs to prepare a cancel
// request without touching the connection afterwards and to shut the socket
// down when the server stops answering; and PostgreSQL's warning that a
// commit's wait for synchronous replication was cancelled, after which the
// server reports the commit as a success although the standby may not have
// it.
//
//   Connection connection(WithClientTimeouts(dsn));
//   ... transaction.commit();
//   if (connection.TakeReplicationWaitCancelled()) { /* outcome unknown */ }
#pragma once

#include <libpq-fe.h>

#include <pqxx/connection>
#include <string>

namespace podmeta::storage {

// libpqxx's direct connection policy that also remembers, for this thread,
// the libpq handle it opened (Connection's constructor takes it from there).
class HandleCapturingConnect : public pqxx::connect_direct {
 public:
  using pqxx::connect_direct::connect_direct;
  handle do_startconnect(handle orig) override;
};

class Connection : public pqxx::basic_connection_base<HandleCapturingConnect> {
 public:
  // Connects now (pqxx::broken_connection if it cannot), to the host of
  // `dsn` that answered last first (WithLastHostFirst). Never reconnects by
  // itself: a connection that breaks stays broken, so its handle stays the
  // one it was opened with.
  explicit Connection(const std::string& dsn);
  ~Connection();

  // The libpq handle, for PQgetCancel and PQsocket; valid for the
  // connection's life.
  PGconn* handle() const { return handle_; }

  // True if PostgreSQL warned, since the last call, that it stopped waiting
  // for synchronous replication of a commit (the commit is then local
  // only). Clears the flag. Called on the thread that uses the connection.
  bool TakeReplicationWaitCancelled();

 private:
  static void ReceiveNotice(void* self, const PGresult* notice);

  PGconn* handle_;
  PQnoticeReceiver previous_receiver_ = nullptr;
  void* previous_receiver_argument_ = nullptr;
  bool replication_wait_cancelled_ = false;
};

// `dsn` (a libpq connection string or URI) with client-side bounds on every
// wait added where it does not set them itself: connect_timeout (a host that
// accepts but never answers is given up, and the next host of a multi-host
// string is tried), TCP keepalives and tcp_user_timeout (a peer that vanished
// from the network is noticed). Returned as a keyword/value string; a `dsn`
// that libpq cannot parse is returned as it is, for libpq to report.
std::string WithClientTimeouts(const std::string& dsn);

// `dsn` with the host that a connection made with it reached last put
// first, when it names several (host=a,b): libpq tries hosts in order, and
// after a failover a hung former primary listed first would cost every new
// connection its connect_timeout. Connection and DatabaseProbe connect with
// it and report the host they reached with RememberHost.
std::string WithLastHostFirst(const std::string& dsn);
void RememberHost(const std::string& dsn, const PGconn* connection);

// Whether `dsn` asks libpq for a server that accepts writes
// (target_session_attrs=read-write or primary).
bool AsksForPrimary(const std::string& dsn);

}  // namespace podmeta::storage
