// Row (e) of tests/bench/run.sh: the databricks module's `get` through its C
// vtable against a raw libcurl keep-alive loop fetching the same runs/get
// answer, both from one local FixedHttpServer. The floor sends byte for byte
// the request the module sends (checked once, untimed, before timing), so
// the ratio measures what the module adds over libcurl doing the same HTTP
// work. Counters from SideBySide: ratio is time per call (the inverse of
// calls/s), cpu_ratio the client thread's CPU per call.
#include <curl/curl.h>

#include <cstdio>
#include <functional>
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

// One reused easy handle sending the module's request headers (User-Agent,
// Authorization, Accept, in its order) and nothing else a raw loop does not
// need: no timeouts, no progress or header callback, no share handle. Like
// the module, it sets CURLOPT_NOSIGNAL, as a multi-threaded libcurl client
// must (without it libcurl also swaps the SIGPIPE handler, ~8 rt_sigaction
// calls per transfer, which the module does not pay).
class RawCurlGet {
 public:
  explicit RawCurlGet(const std::string& url) : curl_(curl_easy_init()) {
    for (const std::string& line :
         {std::string("User-Agent: flyteplug-databricks/0.1"),
          absl::StrCat("Authorization: Bearer ", kToken),
          std::string("Accept: application/json")}) {
      headers_ = curl_slist_append(headers_, line.c_str());
    }
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
  curl_slist* headers_ = nullptr;
  std::string body_;
};

// True when one call of `subject` and one of `floor` succeed and send the
// same request bytes to `server`; else skips the benchmark with both.
bool SameRequestOnTheWire(const FixedHttpServer& server,
                          const std::function<bool()>& subject,
                          const std::function<bool()>& floor,
                          benchmark::State& state) {
  std::string sent[2];
  const std::function<bool()>* sides[2] = {&subject, &floor};
  for (int i = 0; i < 2; ++i) {
    server.RecordNextRequest();
    if (!(*sides[i])()) {
      state.SkipWithError(i == 0 ? "the module's get failed"
                                 : "the raw libcurl get failed");
      return false;
    }
    sent[i] = server.RecordedRequest();
  }
  if (!sent[0].empty() && sent[0] == sent[1]) return true;
  std::fprintf(stderr, "module sent:\n%s\nraw libcurl sent:\n%s\n",
               sent[0].c_str(), sent[1].c_str());
  state.SkipWithError("the module and the floor sent different requests");
  return false;
}

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
  if (!SameRequestOnTheWire(
          server, [&] { return databricks.GetOk(meta); },
          [&] { return raw.Get(); }, state)) {
    return;
  }
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
