// The connector services in process behind a loopback gRPC server, with
// stubs to call them (services tests).
#ifndef FLYTEPLUG_TESTS_CONNECTOR_IN_PROCESS_SERVER_H_
#define FLYTEPLUG_TESTS_CONNECTOR_IN_PROCESS_SERVER_H_

#include <memory>

#include "absl/strings/str_cat.h"
#include "agent_services.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace flyteplug::testing {

// `kube` null: a connector without Kubernetes access. LIFETIME: `loader`
// and `kube` outlive the server.
class InProcessServer {
 public:
  InProcessServer(const LoaderClient& loader,
                  const connector::KubeAccess* kube) {
    deps_ = connector::ServiceDeps{&loader, &metrics_, &log_, kube};
    async_ = std::make_unique<connector::AsyncAgentServiceImpl>(deps_);
    metadata_ = std::make_unique<connector::AgentMetadataServiceImpl>(deps_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(async_.get());
    builder.RegisterService(metadata_.get());
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_NE(port, 0);
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                       grpc::InsecureChannelCredentials());
    tasks = flyteidl::service::AsyncAgentService::NewStub(channel);
    agents = flyteidl::service::AgentMetadataService::NewStub(channel);
  }
  ~InProcessServer() {
    if (server_ != nullptr) server_->Shutdown();
  }

  std::unique_ptr<flyteidl::service::AsyncAgentService::Stub> tasks;
  std::unique_ptr<flyteidl::service::AgentMetadataService::Stub> agents;

 private:
  connector::ConnectorMetrics metrics_{
      std::make_shared<prometheus::Registry>()};
  connector::RequestLog log_{connector::LogLevel::kError};
  connector::ServiceDeps deps_{};
  std::unique_ptr<connector::AsyncAgentServiceImpl> async_;
  std::unique_ptr<connector::AgentMetadataServiceImpl> metadata_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace flyteplug::testing

#endif  // FLYTEPLUG_TESTS_CONNECTOR_IN_PROCESS_SERVER_H_
