#include "connector_metrics.h"

#include <utility>

namespace flyteplug::connector {

ConnectorMetrics::ConnectorMetrics(
    std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)),
      success_(prometheus::BuildCounter()
                   .Name("flyte_connector_requests_success_total")
                   .Help("Requests answered successfully")
                   .Register(*registry_)),
      failure_(prometheus::BuildCounter()
                   .Name("flyte_connector_requests_failure_total")
                   .Help("Requests answered with an error")
                   .Register(*registry_)),
      latency_(prometheus::BuildSummary()
                   .Name("flyte_connector_request_latency_seconds")
                   .Help("Time spent answering a request")
                   .Register(*registry_)),
      input_bytes_(prometheus::BuildGauge()
                       .Name("flyte_connector_input_literal_bytes")
                       .Help("Size of the last CreateTask's input literals")
                       .Register(*registry_)),
      in_flight_(prometheus::BuildGauge()
                     .Name("flyteplug_connector_requests_in_flight")
                     .Help("Requests being answered now")
                     .Register(*registry_)),
      remote_call_(prometheus::BuildHistogram()
                       .Name("flyteplug_connector_remote_call_seconds")
                       .Help("Time spent in a module's remote call")
                       .Register(*registry_)) {}

void ConnectorMetrics::RecordRequest(const std::string& task_type,
                                     const std::string& operation,
                                     const std::string& error_code,
                                     double seconds) {
  if (error_code.empty()) {
    success_.Add({{"task_type", task_type}, {"operation", operation}})
        .Increment();
  } else {
    failure_
        .Add({{"task_type", task_type},
              {"operation", operation},
              {"error_code", error_code}})
        .Increment();
  }
  latency_
      .Add({{"task_type", task_type}, {"operation", operation}},
           prometheus::Summary::Quantiles{})
      .Observe(seconds);
}

void ConnectorMetrics::RecordInputBytes(const std::string& task_type,
                                        double bytes) {
  input_bytes_.Add({{"task_type", task_type}}).Set(bytes);
}

void ConnectorMetrics::RecordRemoteCall(const std::string& module,
                                        const std::string& operation,
                                        double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  remote_call_.Add({{"module", module}, {"operation", operation}}, kBuckets)
      .Observe(seconds);
}

prometheus::Gauge& ConnectorMetrics::InFlight(const std::string& operation) {
  return in_flight_.Add({{"operation", operation}});
}

}  // namespace flyteplug::connector
