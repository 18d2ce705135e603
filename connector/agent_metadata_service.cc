// AgentMetadataServiceImpl (agent_services.h).
#include "absl/strings/str_cat.h"
#include "agent_services.h"
#include "agents.h"

namespace flyteplug::connector {

AgentMetadataServiceImpl::AgentMetadataServiceImpl(const ServiceDeps& deps)
    : log_(deps.log),
      agents_(BuildAgents(deps.loader->Modules(), ServesK8sResources(deps))) {}

grpc::Status AgentMetadataServiceImpl::GetAgent(
    grpc::ServerContext* /*context*/,
    const flyteidl::admin::GetAgentRequest* request,
    flyteidl::admin::GetAgentResponse* response) {
  for (const flyteidl::admin::Agent& agent : agents_) {
    if (agent.name() == request->name()) {
      *response->mutable_agent() = agent;
      log_->Write(LogLevel::kDebug, {{"method", "GetAgent"}, {"code", "OK"}},
                  "");
      return grpc::Status::OK;
    }
  }
  std::string message =
      absl::StrCat("Cannot find agent: '", request->name(), "'.");
  log_->Write(LogLevel::kError, {{"method", "GetAgent"}, {"code", "NOT_FOUND"}},
              message);
  return grpc::Status(grpc::StatusCode::NOT_FOUND, message);
}

grpc::Status AgentMetadataServiceImpl::ListAgents(
    grpc::ServerContext* /*context*/,
    const flyteidl::admin::ListAgentsRequest* /*request*/,
    flyteidl::admin::ListAgentsResponse* response) {
  for (const flyteidl::admin::Agent& agent : agents_) {
    *response->add_agents() = agent;
  }
  log_->Write(LogLevel::kDebug, {{"method", "ListAgents"}, {"code", "OK"}}, "");
  return grpc::Status::OK;
}

}  // namespace flyteplug::connector
