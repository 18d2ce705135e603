#include "fixed_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace flyteplug::bench {

FixedHttpServer::FixedHttpServer(std::string body)
    : response_(absl::StrCat("HTTP/1.1 200 OK\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: ",
                             body.size(), "\r\n\r\n", body)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (listen_fd_ < 0 ||
      bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    std::perror("FixedHttpServer");
    std::abort();
  }
  port_ = ntohs(address.sin_port);
  std::thread([this] { Accept(); }).detach();
}

const FixedHttpServer& FixedHttpServer::Start(std::string body) {
  return *new FixedHttpServer(std::move(body));
}

std::string FixedHttpServer::base_url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

void FixedHttpServer::RecordNextRequest() const {
  {
    std::lock_guard<std::mutex> lock(recorded_mu_);
    recorded_.clear();
  }
  record_next_.store(true);
}

std::string FixedHttpServer::RecordedRequest() const {
  std::lock_guard<std::mutex> lock(recorded_mu_);
  return recorded_;
}

void FixedHttpServer::Accept() const {
  while (true) {
    const int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::thread([this, fd] { Serve(fd); }).detach();
  }
}

void FixedHttpServer::Serve(int fd) const {
  std::string pending;
  char chunk[4096];
  while (true) {
    const ssize_t got = recv(fd, chunk, sizeof(chunk), 0);
    if (got <= 0) break;
    pending.append(chunk, static_cast<size_t>(got));
    size_t end;
    while ((end = pending.find("\r\n\r\n")) != std::string::npos) {
      if (record_next_.load(std::memory_order_relaxed) &&
          record_next_.exchange(false)) {
        std::lock_guard<std::mutex> lock(recorded_mu_);
        recorded_.assign(pending, 0, end + 4);
      }
      pending.erase(0, end + 4);
      if (send(fd, response_.data(), response_.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(response_.size())) {
        close(fd);
        return;
      }
    }
  }
  close(fd);
}

}  // namespace flyteplug::bench
