// GetTask through the connector server (one client, loopback gRPC) against
// the databricks module's get + status called in process through the loader,
// both against tests/databricks/fake_databricks.py. Run on demand:
//   cmake --preset default -DFLYTEPLUG_BUILD_BENCHMARKS=ON
//   cmake --build --preset default --target bench_connector_get
//   build/bin/bench_connector_get
// The ratio of the two means is the server's overhead (goal: <= 1.5x).
#include <stdlib.h>

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "agent_services.h"
#include "benchmark/benchmark.h"
#include "flyteplug/v1/task_context.pb.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/registry.h"
#include "test_support.h"

namespace flyteplug::connector {
namespace {

// One fake server, one loader, one created run, one in-process server.
struct Fixture {
  databricks::testing::FakeServer fake;
  std::unique_ptr<LoaderClient> loader;
  std::string meta;
  ConnectorMetrics metrics{std::make_shared<prometheus::Registry>()};
  RequestLog log{LogLevel::kError};
  std::unique_ptr<AsyncAgentServiceImpl> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<flyteidl::service::AsyncAgentService::Stub> stub;

  Fixture() {
    setenv("FLYTE_SECRET_FLYTE_DATABRICKS_API_TOKEN",
           databricks::testing::kToken, 1);
    LoaderClient::Options options;
    options.module_paths = {DATABRICKS_SO};
    options.skip_default_paths = true;
    options.config_json = absl::StrCat(
        R"({"plugins":{"databricks":{"databricksInstance":")", fake.base_url(),
        R"(","entrypointFile":"dbfs:///e.py"}}})");
    loader = std::make_unique<LoaderClient>(*LoaderClient::Open(options));
    std::string json = databricks::testing::ReadFile(EXAMPLE_TASK_JSON);
    meta = *loader->Create(*LoaderClient::TaskContextFromJson(json));
    service = std::make_unique<AsyncAgentServiceImpl>(
        ServiceDeps{loader.get(), &metrics, &log});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(service.get());
    server = builder.BuildAndStart();
    stub = flyteidl::service::AsyncAgentService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_GetAndStatusInProcess(benchmark::State& state) {
  Fixture& f = Shared();
  ::flyteplug::v1::TaskContext context;
  context.mutable_task_template()->set_type("databricks");
  const std::string serialized = context.SerializeAsString();
  for (auto _ : state) {
    absl::StatusOr<std::string> remote = f.loader->Get("databricks", f.meta);
    absl::StatusOr<std::string> phase =
        f.loader->WebApiStatus(serialized, *remote);
    benchmark::DoNotOptimize(phase);
    if (!phase.ok()) state.SkipWithError("get/status failed");
  }
}
BENCHMARK(BM_GetAndStatusInProcess)->UseRealTime();

void BM_GetTaskThroughServer(benchmark::State& state) {
  Fixture& f = Shared();
  flyteidl::admin::GetTaskRequest request;
  request.set_resource_meta(f.meta);
  request.mutable_task_category()->set_name("databricks");
  for (auto _ : state) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    flyteidl::admin::GetTaskResponse response;
    grpc::Status s = f.stub->GetTask(&context, request, &response);
    if (!s.ok()) state.SkipWithError("GetTask failed");
  }
}
BENCHMARK(BM_GetTaskThroughServer)->UseRealTime();

}  // namespace
}  // namespace flyteplug::connector

BENCHMARK_MAIN();
