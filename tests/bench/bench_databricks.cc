// Row (e) of tests/bench/run.sh: the databricks module's `get` through its C
// vtable against a raw libcurl keep-alive loop fetching the same runs/get
// answer, both from one local FixedHttpServer. Counters from SideBySide:
// ratio is time per call (the inverse of calls/s), cpu_ratio the client
// thread's CPU per call.
#include <curl/curl.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "bench_util.h"
#include "fixed_http_server.h"

namespace flyteplug::bench {
namespace {

constexpr char kToken[] = "dapi-bench-token";
constexpr char kRunsGetBody[] =
    R"({"job_id":7,"run_id":1,"number_in_job":1,"run_name":"bench",)"
    R"("state":{"life_cycle_state":"RUNNING","state_message":"In run"},)"
    R"("run_type":"SUBMIT_RUN"})";

size_t Append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// One reused easy handle: what any keep-alive client does at minimum. Like
// the module, it sets CURLOPT_NOSIGNAL, as a multi-threaded libcurl client
// must (without it libcurl also swaps the SIGPIPE handler, ~8 rt_sigaction
// calls per transfer, which the module does not pay).
class RawCurlGet {
 public:
  explicit RawCurlGet(const std::string& url)
      : curl_(curl_easy_init()),
        headers_(curl_slist_append(
            nullptr, absl::StrCat("Authorization: Bearer ", kToken).c_str())) {
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Append);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body_);
  }
  ~RawCurlGet() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  RawCurlGet(const RawCurlGet&) = delete;
  RawCurlGet& operator=(const RawCurlGet&) = delete;

  bool Get() {
    body_.clear();
    long status = 0;
    return curl_easy_perform(curl_) == CURLE_OK &&
           curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status) ==
               CURLE_OK &&
           status == 200 && !body_.empty();
  }

 private:
  CURL* curl_;
  curl_slist* headers_;
  std::string body_;
};

void BM_DatabricksGetVsRawCurl(benchmark::State& state) {
  const FixedHttpServer& server = FixedHttpServer::Start(kRunsGetBody);
  DirectModule databricks(
      FLYTEPLUG_DATABRICKS_SO,
      absl::StrCat(R"({"databricks":{"databricksInstance":")",
                   server.base_url(),
                   R"(","webApi":{"readRateLimiter":{"qps":1000000,)"
                   R"("burst":1000000}}}})"),
      {{"FLYTE_DATABRICKS_API_TOKEN", kToken}});
  const std::string meta =
      absl::StrCat(R"({"instance":")", server.base_url(), R"(","run_id":"1"})");
  RawCurlGet raw(
      absl::StrCat(server.base_url(), "/api/2.1/jobs/runs/get?run_id=1"));
  SideBySide timer([&] { return databricks.GetOk(meta); },
                   [&] { return raw.Get(); }, /*thread_cpu=*/true);
  for (auto _ : state) {
    if (!timer.Run(state)) break;
  }
  timer.Report(state);
}
BENCHMARK(BM_DatabricksGetVsRawCurl)->UseRealTime();

}  // namespace
}  // namespace flyteplug::bench
