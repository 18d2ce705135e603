// The spark module's rows of tests/bench/run.sh:
//  (a) build_resource through the module's C vtable / its floor (protobuf
//      parse of the same TaskContext + RapidJSON write of the same manifest),
//      with and without CRD schema validation;
//  (b) the loader's routed flyteplug_build_resource / the direct vtable call;
//  (c) growth per 10x of every input dimension (10 ... 10,000 entries).
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench_util.h"
#include "flyteplug/v1/task_context.pb.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::bench {
namespace {

constexpr char kValidated[] = "{}";
constexpr char kUnvalidated[] = R"({"spark": {"validate-manifest": false}})";

const std::string& ExampleJson() {
  static const std::string* json = new std::string(
      ReadFileOrDie(FLYTEPLUG_EXAMPLES_DIR "/tasks/pyspark_context.json"));
  return *json;
}

// Row (a): build_resource through the vtable / parse + write.
void BM_SparkBuildVsFloor(benchmark::State& state, const char* config) {
  DirectModule spark(FLYTEPLUG_SPARK_SO, config);
  const std::string context = TaskContextBytes(ExampleJson());
  absl::StatusOr<std::string> manifest = spark.BuildResource(context);
  if (!manifest.ok()) {
    state.SkipWithError(manifest.status().ToString().c_str());
    return;
  }
  rapidjson::Document document;
  document.Parse(manifest->data(), manifest->size());
  SideBySide timer([&] { return spark.BuildResourceOk(context); },
                   [&] {
                     ::flyteplug::v1::TaskContext parsed;
                     if (!parsed.ParseFromString(context)) return false;
                     rapidjson::StringBuffer out;
                     rapidjson::Writer<rapidjson::StringBuffer> writer(out);
                     document.Accept(writer);
                     benchmark::DoNotOptimize(out.GetString());
                     return out.GetSize() == manifest->size();
                   });
  for (auto _ : state) {
    if (!timer.Run(state)) break;
  }
  timer.Report(state);
}
BENCHMARK_CAPTURE(BM_SparkBuildVsFloor, validated, kValidated);
BENCHMARK_CAPTURE(BM_SparkBuildVsFloor, unvalidated, kUnvalidated);

// Row (b): the loader's routed call / the same module's vtable.
void BM_LoaderRoutedVsDirect(benchmark::State& state) {
  DirectModule spark(FLYTEPLUG_SPARK_SO, kValidated);
  OpenLoader loader({FLYTEPLUG_SPARK_SO}, "{}");
  const std::string context = TaskContextBytes(ExampleJson());
  SideBySide timer([&] { return loader.BuildResourceOk(context); },
                   [&] { return spark.BuildResourceOk(context); });
  for (auto _ : state) {
    if (!timer.Run(state)) break;
  }
  timer.Report(state);
}
BENCHMARK(BM_LoaderRoutedVsDirect);

}  // namespace
}  // namespace flyteplug::bench
