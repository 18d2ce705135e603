// The connector server's Prometheus metrics (docs/connector.md, "Metrics").
// flytekit's names and labels, so existing dashboards keep working:
//   flyte_connector_requests_success_total{task_type,operation}
//   flyte_connector_requests_failure_total{task_type,operation,error_code}
//   flyte_connector_request_latency_seconds{task_type,operation} (summary)
//   flyte_connector_input_literal_bytes{task_type} (gauge)
// and flyteplug's own:
//   flyteplug_connector_requests_in_flight{operation} (gauge)
//   flyteplug_connector_remote_call_seconds{module,operation} (histogram)
// operation is create, get or delete. Task types no module serves are
// labelled "unknown", so requests cannot grow the label set without bound.
#ifndef FLYTEPLUG_CONNECTOR_CONNECTOR_METRICS_H_
#define FLYTEPLUG_CONNECTOR_CONNECTOR_METRICS_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/summary.h"

namespace flyteplug::connector {

// THREADING: every method is thread-safe.
class ConnectorMetrics {
 public:
  // Registers the families in `registry` (kept alive by this object).
  explicit ConnectorMetrics(std::shared_ptr<prometheus::Registry> registry);

  ConnectorMetrics(const ConnectorMetrics&) = delete;
  ConnectorMetrics& operator=(const ConnectorMetrics&) = delete;

  const std::shared_ptr<prometheus::Registry>& registry() const {
    return registry_;
  }

  // One finished request: success or failure (with its error_code label),
  // and its latency.
  void RecordRequest(const std::string& task_type, const std::string& operation,
                     const std::string& error_code, double seconds);
  void RecordInputBytes(const std::string& task_type, double bytes);
  // One module call (remote I/O), successful or not.
  void RecordRemoteCall(const std::string& module, const std::string& operation,
                        double seconds);
  // The in-flight gauge of `operation`.
  prometheus::Gauge& InFlight(const std::string& operation);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& success_;
  prometheus::Family<prometheus::Counter>& failure_;
  prometheus::Family<prometheus::Summary>& latency_;
  prometheus::Family<prometheus::Gauge>& input_bytes_;
  prometheus::Family<prometheus::Gauge>& in_flight_;
  prometheus::Family<prometheus::Histogram>& remote_call_;
};

// Increments a gauge for its own lifetime.
class InFlightScope {
 public:
  explicit InFlightScope(prometheus::Gauge& gauge) : gauge_(gauge) {
    gauge_.Increment();
  }
  ~InFlightScope() { gauge_.Decrement(); }
  InFlightScope(const InFlightScope&) = delete;
  InFlightScope& operator=(const InFlightScope&) = delete;

 private:
  prometheus::Gauge& gauge_;
};

}  // namespace flyteplug::connector

#endif  // FLYTEPLUG_CONNECTOR_CONNECTOR_METRICS_H_
