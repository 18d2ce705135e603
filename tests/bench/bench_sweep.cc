// Row (c) of tests/bench/run.sh: each input dimension of a spark task at
// 10, 100, 1,000 and 10,000 entries. Counters: us_<n> (median per call) and
// growth, the largest time factor between two neighbouring sizes from 100
// entries up (linear: about 10; below 100 fixed costs dominate).
// FLYTEPLUG_SWEEP_ONE (below) runs one size a fixed number of times instead.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench_util.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::bench {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr int kSizes[] = {10, 100, 1000, 10000};

std::string Write(const Value& value) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  value.Accept(writer);
  return out.GetString();
}

// Sets `doc`[path...] (creating objects) to the parsed `json`.
void Put(Document* doc, std::initializer_list<const char*> path,
         const std::string& json) {
  Value* at = doc;
  for (const char* key : path) {
    if (!at->HasMember(key)) {
      at->AddMember(Value(key, doc->GetAllocator()),
                    Value(rapidjson::kObjectType), doc->GetAllocator());
    }
    at = &(*at)[key];
  }
  Document parsed(&doc->GetAllocator());
  parsed.Parse(json.data(), json.size());
  at->CopyFrom(parsed, doc->GetAllocator());
}

// `n` items, each from `item(i)`, joined into a JSON array or object.
std::string Join(int n, char open, char close,
                 const std::function<std::string(int)>& item) {
  std::string out(1, open);
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ',';
    out += item(i);
  }
  out += close;
  return out;
}

std::string StringMap(int n, const char* prefix) {
  return Join(n, '{', '}', [&](int i) {
    return absl::StrCat("\"", prefix, i, "\":\"value", i, "\"");
  });
}

// `n` environment variables ENV_<i>=v<i>, named by `name_key` ("key" in a
// flyteidl Container, "name" in a Kubernetes one).
std::string EnvList(int n, const char* name_key) {
  return Join(n, '[', ']', [name_key](int i) {
    return absl::StrCat("{\"", name_key, R"(":"ENV_)", i, R"(","value":"v)", i,
                        "\"}");
  });
}

// The pod overlay of both roles with `spec_json` members in its podSpec.
void PutOverlays(Document* doc, const std::string& spec_members) {
  const std::string overlay = absl::StrCat(
      R"({"primaryContainerName":"primary","podSpec":{)", spec_members, "}}");
  Put(doc, {"taskTemplate", "custom", "driverPod"}, overlay);
  Put(doc, {"taskTemplate", "custom", "executorPod"}, overlay);
}

// The example task with `n` entries in one dimension, as wire bytes.
using Shape = std::function<void(Document*, int)>;

std::string ContextWith(const Shape& shape, int n) {
  Document doc;
  const std::string example =
      ReadFileOrDie(FLYTEPLUG_EXAMPLES_DIR "/tasks/pyspark_context.json");
  doc.Parse(example.data(), example.size());
  shape(&doc, n);
  return TaskContextBytes(Write(doc));
}

// FLYTEPLUG_SWEEP_ONE="<size>:<calls>" makes every sweep run only that size,
// exactly `calls` times and untimed: for `perf stat`, where the difference
// between two call counts is the cost of the calls alone. Returns false when
// the variable is unset.
bool SweepOneFromEnv(int* size, int* calls) {
  const char* spec = std::getenv("FLYTEPLUG_SWEEP_ONE");
  return spec != nullptr && std::sscanf(spec, "%d:%d", size, calls) == 2;
}

// Runs build_resource at every size and reports the counters.
void Sweep(benchmark::State& state,
           const std::function<std::function<bool()>(int)>& call_at) {
  int one_size = 0;
  int one_calls = 0;
  if (SweepOneFromEnv(&one_size, &one_calls)) {
    for (auto _ : state) {
      const std::function<bool()> call = call_at(one_size);
      for (int i = 0; i < one_calls; ++i) {
        if (!call()) {
          state.SkipWithError(absl::StrCat("failed at ", one_size).c_str());
          return;
        }
      }
    }
    return;
  }
  for (auto _ : state) {
    double previous = 0;
    double growth = 0;
    for (int n : kSizes) {
      const double us = MedianMicros(call_at(n));
      if (us < 0) {
        state.SkipWithError(absl::StrCat("failed at ", n).c_str());
        return;
      }
      state.counters[absl::StrCat("us_", n)] = us;
      if (n > 100 && previous > 0) growth = std::max(growth, us / previous);
      previous = us;
    }
    state.counters["growth"] = growth;
  }
}

void BM_SweepBuild(benchmark::State& state, Shape shape) {
  DirectModule spark(FLYTEPLUG_SPARK_SO, "{}");
  Sweep(state, [&](int n) -> std::function<bool()> {
    std::string context = ContextWith(shape, n);
    return [&spark, context] { return spark.BuildResourceOk(context); };
  });
}

BENCHMARK_CAPTURE(BM_SweepBuild, spark_conf, [](Document* doc, int n) {
  Put(doc, {"taskTemplate", "custom", "sparkConf"}, StringMap(n, "spark.x"));
})->Iterations(1);
BENCHMARK_CAPTURE(BM_SweepBuild, hadoop_conf, [](Document* doc, int n) {
  Put(doc, {"taskTemplate", "custom", "hadoopConf"}, StringMap(n, "fs.x"));
})->Iterations(1);
BENCHMARK_CAPTURE(BM_SweepBuild, container_env, [](Document* doc, int n) {
  Put(doc, {"taskTemplate", "container", "env"}, EnvList(n, "key"));
})->Iterations(1);
BENCHMARK_CAPTURE(BM_SweepBuild, execution_env, [](Document* doc, int n) {
  Put(doc, {"metadata", "environmentVariables"}, StringMap(n, "EXEC_"));
})->Iterations(1);
// flytekit repeats the container env in the role overlays.
BENCHMARK_CAPTURE(BM_SweepBuild, overlay_env, [](Document* doc, int n) {
  Put(doc, {"taskTemplate", "container", "env"}, EnvList(n, "key"));
  PutOverlays(doc, absl::StrCat(R"("containers":[{"name":"primary","env":)",
                                EnvList(n, "name"), "}]"));
})->Iterations(1);
BENCHMARK_CAPTURE(BM_SweepBuild, tolerations, [](Document* doc, int n) {
  PutOverlays(doc,
              absl::StrCat(R"("tolerations":)", Join(n, '[', ']', [](int i) {
                             return absl::StrCat(R"({"key":"k)", i,
                                                 R"(","operator":"Exists"})");
                           })));
})->Iterations(1);
BENCHMARK_CAPTURE(BM_SweepBuild, volumes, [](Document* doc, int n) {
  PutOverlays(doc, absl::StrCat(R"("volumes":)", Join(n, '[', ']', [](int i) {
                                  return absl::StrCat(R"({"name":"v)", i,
                                                      R"(","emptyDir":{}})");
                                })));
})->Iterations(1);

// Log templates live in the configuration and shape get_task_phase.
void BM_SweepLogTemplates(benchmark::State& state) {
  const std::string context = TaskContextBytes(
      ReadFileOrDie(FLYTEPLUG_EXAMPLES_DIR "/tasks/pyspark_context.json"));
  const std::string resource =
      R"({"metadata":{"name":"app","namespace":"ns"},"status":{)"
      R"("applicationState":{"state":"RUNNING"},)"
      R"("driverInfo":{"podName":"app-driver"}}})";
  Sweep(state, [&](int n) -> std::function<bool()> {
    const std::string templates = Join(n, '[', ']', [](int i) {
      return absl::StrCat(R"({"displayName":"Log )", i,
                          R"(","templateUris":["https://logs/)", i,
                          R"(/{{ .podName }}?ns={{ .namespace }}"]})");
    });
    auto spark = std::make_shared<DirectModule>(
        FLYTEPLUG_SPARK_SO,
        absl::StrCat(R"({"spark":{"logs":{"all-user":{"templates":)", templates,
                     "}}}}"));
    return [spark, &context, &resource] {
      return spark->GetTaskPhaseOk(context, resource);
    };
  });
}
BENCHMARK(BM_SweepLogTemplates)->Iterations(1);

}  // namespace
}  // namespace flyteplug::bench
