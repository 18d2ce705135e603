// KubeApi over HTTPS: the Kubernetes REST API through flyteplug_net.
#ifndef FLYTEPLUG_KUBE_REST_CLIENT_H_
#define FLYTEPLUG_KUBE_REST_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cluster_config.h"
#include "flyteplug/net/http_client.h"
#include "kube_api.h"

namespace flyteplug::kube {

struct RestClientOptions {
  absl::Duration connect_timeout = absl::Seconds(10);
  // Per attempt; CallControl.deadline caps it further.
  absl::Duration request_timeout = absl::Seconds(30);
  // 429, 5xx, timeouts and connection failures: backoff with jitter (or the
  // server's Retry-After), within CallControl.deadline.
  net::RetryPolicy retry = {/*max_attempts=*/8,
                            /*initial_backoff=*/absl::Milliseconds(200),
                            /*max_backoff=*/absl::Seconds(5),
                            /*max_total_time=*/absl::Minutes(2)};
  net::RateLimit read_rate_limit = {50, 100};
  net::RateLimit write_rate_limit = {20, 40};
  net::HttpLogFn log;  // retries are reported here; may be empty
};

// Error mapping (kube_api.h): the API server's Status body
// ({"kind":"Status","reason":"AlreadyExists","message":...}) is quoted as
// "<reason>: <message>". 409 AlreadyExists is ALREADY_EXISTS, any other 409
// ABORTED; 422 INVALID_ARGUMENT; 429 and 5xx are retryable and UNAVAILABLE
// when still failing. Messages read
// "kubernetes <call>: HTTP 404 Not Found: NotFound: jobs.batch \"x\" not
// found".
net::HttpErrorMapping MapKubeError(const net::HttpFailure& failure);

// The REST path of `ref` (its collection when `collection`), after checking
// every part: namespace a DNS-1123 label, name a DNS-1123 subdomain, group a
// DNS subdomain or empty, version and resource lower-case alphanumerics
// ('-' allowed in resource). INVALID_ARGUMENT naming the part otherwise.
absl::StatusOr<std::string> ObjectPath(const ObjectRef& ref, bool collection);

// THREADING: thread-safe (KubeApi).
class RestClient : public KubeApi {
 public:
  // INVALID_ARGUMENT / FAILED_PRECONDITION for a configuration that cannot
  // be used (CheckServerTransport); INTERNAL if libcurl fails to start.
  static absl::StatusOr<std::unique_ptr<RestClient>> Create(
      ClusterConfig config, RestClientOptions options = {});

  absl::StatusOr<std::string> Create(const ObjectRef& ref,
                                     absl::string_view object_json,
                                     const CallControl& control) override;
  absl::StatusOr<std::string> Get(const ObjectRef& ref,
                                  const CallControl& control) override;
  absl::StatusOr<std::string> JsonPatch(const ObjectRef& ref,
                                        absl::string_view patch_json,
                                        const CallControl& control) override;
  absl::Status Delete(const ObjectRef& ref,
                      const CallControl& control) override;
  absl::StatusOr<std::string> GetPath(absl::string_view path,
                                      const CallControl& control) override;
  const std::string& cluster_name() const override {
    return config_.cluster_name;
  }

  // HTTP attempts made so far (retries included).
  int64_t attempt_count() const { return http_->attempt_count(); }

 private:
  RestClient(ClusterConfig config, std::unique_ptr<net::HttpClient> http);

  // Sends one call: `method` to `path` (absolute, from ObjectPath), with
  // `body` of `content_type`. A 401 with a file token re-reads the file
  // and tries once more.
  absl::StatusOr<std::string> Call(const char* method, const std::string& path,
                                   std::string call_name, std::string body,
                                   absl::string_view content_type,
                                   const CallControl& control);

  const ClusterConfig config_;
  std::unique_ptr<net::HttpClient> http_;
};

}  // namespace flyteplug::kube

#endif  // FLYTEPLUG_KUBE_REST_CLIENT_H_
