// bench_spark_build: the cost of build_resource for a typical PySpark task
// (examples/tasks/pyspark_context.json), with and without CRD schema
// validation, and of the validation alone.
#include <benchmark/benchmark.h>

#include "spark_application.h"
#include "test_util.h"

namespace flyteplug::spark::testing {
namespace {

std::unique_ptr<SparkApplicationBuilder> Builder(const char* config) {
  return *SparkApplicationBuilder::Create(*ParseModuleConfig(config, nullptr));
}

void BM_BuildPyspark(benchmark::State& state, const char* config) {
  flyteplug::abi::flyteplug::v1::TaskContext context =
      ExampleContext("pyspark_context.json");
  std::unique_ptr<SparkApplicationBuilder> builder = Builder(config);
  for (auto _ : state) {
    absl::StatusOr<std::string> manifest =
        builder->BuildResource(context, kNow);
    if (!manifest.ok()) state.SkipWithError("build failed");
    benchmark::DoNotOptimize(manifest);
  }
}
BENCHMARK_CAPTURE(BM_BuildPyspark, validated, "");
BENCHMARK_CAPTURE(BM_BuildPyspark, unvalidated,
                  R"({"spark": {"validate-manifest": false}})");

void BM_ValidateOnly(benchmark::State& state) {
  flyteplug::abi::flyteplug::v1::TaskContext context =
      ExampleContext("pyspark_context.json");
  std::unique_ptr<SparkApplicationBuilder> builder =
      Builder(R"({"spark": {"validate-manifest": false}})");
  rapidjson::Document manifest;
  (void)builder->BuildResourceDocument(context, kNow, &manifest);
  std::unique_ptr<ManifestValidator> validator =
      *ManifestValidator::CreateEmbedded();
  for (auto _ : state) {
    benchmark::DoNotOptimize(validator->Validate(manifest));
  }
}
BENCHMARK(BM_ValidateOnly);

void BM_CompileSchema(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(ManifestValidator::CreateEmbedded());
  }
}
BENCHMARK(BM_CompileSchema)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace flyteplug::spark::testing

BENCHMARK_MAIN();
