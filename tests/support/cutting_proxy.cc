#include "support/cutting_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace podmeta::testing {
namespace {

constexpr size_t kFrameHeaderBytes = 9;
constexpr uint8_t kHeadersFrame = 0x1;

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t sent = send(fd, data, size, MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data += sent;
    size -= static_cast<size_t>(sent);
  }
  return true;
}

}  // namespace

CuttingProxy::CuttingProxy(const std::string& upstream) {
  const size_t colon = upstream.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(upstream.substr(colon + 1), &upstream_port_)) {
    throw std::invalid_argument("upstream must be HOST:PORT on loopback: " + upstream);
  }
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address = Loopback(0);
  if (listener_ < 0 || bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 64) != 0) {
    throw std::runtime_error("the proxy cannot listen");
  }
  socklen_t length = sizeof address;
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
}

CuttingProxy::~CuttingProxy() {
  stopping_ = true;
  shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  close(listener_);
  std::vector<std::thread> pumps;
  {
    absl::MutexLock lock(&mutex_);
    pumps.swap(pumps_);
  }
  for (std::thread& pump : pumps) pump.join();
}

std::string CuttingProxy::address() const { return absl::StrCat("127.0.0.1:", port_); }

void CuttingProxy::Accept() {
  while (!stopping_) {
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    const int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in upstream = Loopback(upstream_port_);
    if (server < 0 || connect(server, reinterpret_cast<const sockaddr*>(&upstream), sizeof upstream) != 0) {
      close(client);
      if (server >= 0) close(server);
      continue;
    }
    const int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    absl::MutexLock lock(&mutex_);
    pumps_.emplace_back([this, client, server] { Pump(client, server); });
  }
}

void CuttingProxy::Pump(int client, int server) {
  std::string from_server;  // bytes of a frame not yet complete
  char buffer[16384];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  bool open = true;
  while (open && !stopping_) {
    if (poll(fds, 2, 100) < 0) break;
    if (fds[0].revents != 0) {
      const ssize_t got = recv(client, buffer, sizeof buffer, 0);
      open = got > 0 && SendAll(server, buffer, static_cast<size_t>(got));
    }
    if (open && fds[1].revents != 0) {
      const ssize_t got = recv(server, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      from_server.append(buffer, static_cast<size_t>(got));
      // Forward whole frames; a response's HEADERS frame while armed ends
      // the connection instead.
      size_t done = 0;
      while (open && from_server.size() - done >= kFrameHeaderBytes) {
        const auto byte = [&](size_t i) { return static_cast<uint8_t>(from_server[done + i]); };
        const size_t length = (size_t{byte(0)} << 16) | (size_t{byte(1)} << 8) | byte(2);
        const uint32_t stream =
            ((uint32_t{byte(5)} & 0x7F) << 24) | (uint32_t{byte(6)} << 16) | (uint32_t{byte(7)} << 8) | byte(8);
        if (from_server.size() - done < kFrameHeaderBytes + length) break;
        if (byte(3) == kHeadersFrame && stream != 0) {
          int armed = armed_.load();
          while (armed > 0 && !armed_.compare_exchange_weak(armed, armed - 1)) {
          }
          if (armed > 0) {
            ++cuts_;
            open = false;
            break;
          }
        }
        open = SendAll(client, from_server.data() + done, kFrameHeaderBytes + length);
        done += kFrameHeaderBytes + length;
      }
      from_server.erase(0, done);
    }
  }
  close(client);
  close(server);
}

}  // namespace podmeta::testing
