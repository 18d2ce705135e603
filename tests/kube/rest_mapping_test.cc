// REST mapping: the built-in table, and discovery through an in-memory
// KubeApi.
#include "rest_mapping.h"

#include <atomic>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace flyteplug::kube {
namespace {

using ::testing::HasSubstr;

// Answers discovery from a fixed APIResourceList; counts GetPath calls.
class DiscoveryOnlyApi : public KubeApi {
 public:
  absl::StatusOr<std::string> Create(const ObjectRef&, absl::string_view,
                                     const CallControl&) override {
    return absl::UnimplementedError("Create");
  }
  absl::StatusOr<std::string> Get(const ObjectRef&,
                                  const CallControl&) override {
    return absl::UnimplementedError("Get");
  }
  absl::StatusOr<std::string> JsonPatch(const ObjectRef&, absl::string_view,
                                        const CallControl&) override {
    return absl::UnimplementedError("JsonPatch");
  }
  absl::Status Delete(const ObjectRef&, const CallControl&) override {
    return absl::UnimplementedError("Delete");
  }
  absl::StatusOr<std::string> GetPath(absl::string_view path,
                                      const CallControl&) override {
    ++calls;
    last_path = std::string(path);
    if (fail_next) {
      fail_next = false;
      return absl::UnavailableError("discovery down");
    }
    if (path != "/apis/example.com/v1") return absl::NotFoundError("404");
    return std::string(R"({"kind":"APIResourceList","resources":[
        {"name":"widgets","kind":"Widget","namespaced":true},
        {"name":"widgets/status","kind":"Widget","namespaced":true},
        {"name":"clusterwidgets","kind":"ClusterWidget","namespaced":false}]})");
  }
  const std::string& cluster_name() const override { return name_; }

  std::atomic<int> calls{0};
  std::string last_path;
  bool fail_next = false;

 private:
  std::string name_ = "test";
};

TEST(RestMappingTest, TableCoversTheShippedKindsWithoutDiscovery) {
  DiscoveryOnlyApi api;
  RestMapper mapper(&api);
  auto spark = mapper.Map("sparkoperator.k8s.io/v1beta2", "SparkApplication",
                          CallControl{});
  ASSERT_TRUE(spark.ok()) << spark.status();
  EXPECT_EQ(spark->group, "sparkoperator.k8s.io");
  EXPECT_EQ(spark->version, "v1beta2");
  EXPECT_EQ(spark->resource, "sparkapplications");
  auto job = mapper.Map("batch/v1", "Job", CallControl{});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->group, "batch");
  EXPECT_EQ(job->resource, "jobs");
  auto pod = mapper.Map("v1", "Pod", CallControl{});
  ASSERT_TRUE(pod.ok());
  EXPECT_EQ(pod->group, "");
  EXPECT_EQ(pod->version, "v1");
  EXPECT_EQ(pod->resource, "pods");
  EXPECT_EQ(api.calls.load(), 0);
}

TEST(RestMappingTest, DiscoveryIsCachedPerGroupVersion) {
  DiscoveryOnlyApi api;
  RestMapper mapper(&api);
  api.fail_next = true;
  auto down = mapper.Map("example.com/v1", "Widget", CallControl{});
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  auto widget = mapper.Map("example.com/v1", "Widget", CallControl{});
  ASSERT_TRUE(widget.ok()) << widget.status();
  EXPECT_EQ(api.last_path, "/apis/example.com/v1");
  EXPECT_EQ(widget->group, "example.com");
  EXPECT_EQ(widget->resource, "widgets");
  EXPECT_EQ(api.calls.load(), 2);  // the failure was not cached
  auto again = mapper.Map("example.com/v1", "Widget", CallControl{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(api.calls.load(), 2);  // the success was

  auto cluster = mapper.Map("example.com/v1", "ClusterWidget", CallControl{});
  EXPECT_EQ(cluster.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cluster.status().message()),
              HasSubstr("cluster-scoped"));
  auto unknown = mapper.Map("example.com/v1", "Gadget", CallControl{});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("'Gadget'"));
  EXPECT_EQ(mapper.Map("/v1", "X", CallControl{}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mapper.Map("a/b/c", "X", CallControl{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(RestMappingTest, RefForObjectUsesTheDefaultNamespace) {
  DiscoveryOnlyApi api;
  RestMapper mapper(&api);
  auto ref = mapper.RefForObject(
      R"({"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"}})",
      "flyte", CallControl{});
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(ref->namespace_name, "flyte");
  EXPECT_EQ(ref->name, "j");
  EXPECT_EQ(ref->resource, "jobs");
  auto in_ns = mapper.RefForObject(
      R"({"apiVersion":"batch/v1","kind":"Job",
          "metadata":{"name":"j","namespace":"team"}})",
      "flyte", CallControl{});
  ASSERT_TRUE(in_ns.ok());
  EXPECT_EQ(in_ns->namespace_name, "team");
  auto nameless = mapper.RefForObject(
      R"({"apiVersion":"batch/v1","kind":"Job","metadata":{}})", "flyte",
      CallControl{});
  EXPECT_EQ(nameless.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(nameless.status().message()),
              HasSubstr("metadata.name"));
  EXPECT_EQ(mapper.RefForObject("[]", "x", CallControl{}).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto resolved =
      mapper.Resolve("example.com/v1", "Widget", "team", "w", CallControl{});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->group, "example.com");
  EXPECT_EQ(resolved->version, "v1");
  EXPECT_EQ(resolved->resource, "widgets");
  EXPECT_EQ(resolved->namespace_name, "team");
  EXPECT_EQ(resolved->name, "w");
}

}  // namespace
}  // namespace flyteplug::kube
