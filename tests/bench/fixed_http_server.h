// A loopback HTTP/1.1 server for benchmarks: answers every request with the
// same 200 JSON body, keeping connections alive. Fast enough that the
// client's cost dominates (unlike tests/databricks/fake_databricks.py).
// Reads request headers only (no bodies: GET clients).
#ifndef FLYTEPLUG_TESTS_BENCH_FIXED_HTTP_SERVER_H_
#define FLYTEPLUG_TESTS_BENCH_FIXED_HTTP_SERVER_H_

#include <atomic>
#include <mutex>
#include <string>

namespace flyteplug::bench {

// THREADING: one detached thread per connection.
// LIFETIME: the process's (never destroyed, so no connection thread outlives
// it).
class FixedHttpServer {
 public:
  // Listens on 127.0.0.1 (a free port); aborts when it cannot.
  static const FixedHttpServer& Start(std::string body);

  std::string base_url() const;  // http://127.0.0.1:PORT

  // Records the head (request line and headers, through the blank line) of
  // the next request served, on any connection; RecordedRequest returns
  // it once served. Untimed checks only: the recording request pays a copy.
  void RecordNextRequest() const;
  std::string RecordedRequest() const;

 private:
  explicit FixedHttpServer(std::string body);
  void Accept() const;
  void Serve(int fd) const;

  const std::string response_;
  mutable std::atomic<bool> record_next_{false};
  mutable std::mutex recorded_mu_;
  mutable std::string recorded_;  // guarded by recorded_mu_
  int listen_fd_ = -1;
  int port_ = 0;
};

}  // namespace flyteplug::bench

#endif  // FLYTEPLUG_TESTS_BENCH_FIXED_HTTP_SERVER_H_
