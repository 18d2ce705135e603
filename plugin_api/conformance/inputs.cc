#include "inputs.h"

#include <random>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "flyteplug/sdk/boundary/serialize.h"
#include "flyteplug/v1/task_context.pb.h"
#include "google/protobuf/util/json_util.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::conformance {
namespace {

constexpr char kTaskContextTemplate[] = R"json({
  "taskTemplate": {
    "id": {"resourceType": "TASK", "project": "conformance", "domain": "development",
           "name": "conformance.task", "version": "v1"},
    "type": "$0",
    "metadata": {"runtime": {"type": "FLYTE_SDK", "version": "1.0.0", "flavor": "python"}},
    "custom": {
      "mainApplicationFile": "local:///usr/local/bin/entrypoint.py",
      "executorPath": "/usr/bin/python3",
      "applicationType": "PYTHON",
      "sparkConf": {"spark.driver.memory": "1000M", "spark.executor.instances": "1"},
      "hadoopConf": {}
    },
    "container": {
      "image": "registry.example.com/conformance:1",
      "args": ["pyflyte-execute", "--inputs", "{{.Input}}", "--output-prefix",
               "{{.OutputPrefix}}", "--raw-output-data-prefix", "{{.RawOutputDataPrefix}}"]
    }
  },
  "metadata": {
    "taskExecutionId": {
      "taskId": {"resourceType": "TASK", "project": "conformance", "domain": "development",
                 "name": "conformance.task", "version": "v1"},
      "nodeExecutionId": {"nodeId": "n0", "executionId": {"project": "conformance",
                          "domain": "development", "name": "f1a2b3c4"}},
      "retryAttempt": 0
    },
    "generatedName": "f1a2b3c4-n0-0",
    "uniqueNodeId": "n0",
    "namespace": "conformance-development",
    "k8sServiceAccount": "default",
    "maxAttempts": 1
  },
  "io": {
    "inputPath": "s3://bucket/metadata/inputs.pb",
    "inputPrefix": "s3://bucket/metadata",
    "outputPrefix": "s3://bucket/metadata/n0",
    "rawOutputPrefix": "s3://bucket/raw/f1a2b3c4",
    "checkpointPrefix": "s3://bucket/checkpoints/n0"
  }
})json";

HostileInput Input(std::string label, std::string bytes,
                   bool null_data = false) {
  HostileInput input;
  input.label = std::move(label);
  input.bytes = std::move(bytes);
  input.null_data = null_data;
  return input;
}

std::string RandomBytes(size_t size) {
  std::mt19937 rng(20240601);  // fixed seed: the same bytes every run
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  return bytes;
}

std::vector<HostileInput> CommonHostile() {
  std::vector<HostileInput> inputs;
  inputs.push_back(Input("empty bytes", ""));
  inputs.push_back(Input("NULL data with size 0", "", /*null_data=*/true));
  inputs.push_back(Input("1 MiB of random bytes", RandomBytes(1 << 20)));
  return inputs;
}

flyteplug_bytes View(const HostileInput& input) {
  if (input.null_data) return flyteplug_bytes{nullptr, 0};
  return BytesOf(input.bytes);
}

}  // namespace

absl::StatusOr<std::string> MinimalTaskContext(const std::string& task_type) {
  flyteplug::v1::TaskContext context;
  std::string json = absl::Substitute(kTaskContextTemplate, task_type);
  auto status = google::protobuf::util::JsonStringToMessage(json, &context);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("conformance suite: its own TaskContext does not parse: ",
                     status.ToString()));
  }
  std::string bytes;
  if (!flyteplug::sdk::boundary::SerializeDeterministic(context, &bytes)) {
    return absl::InternalError("conformance suite: TaskContext serialize");
  }
  return bytes;
}

std::string MinimalResourceJson() {
  return R"({"apiVersion":"v1","kind":"ConformanceObject",)"
         R"("metadata":{"name":"f1a2b3c4-n0-0","namespace":"conformance-development"},)"
         R"("status":{}})";
}

std::string ObservedResourceJson(const flyteplug_module* module,
                                 flyteplug_instance* instance,
                                 const std::string& context) {
  if (module->k8s == nullptr ||
      module->k8s->build_identity_resource == nullptr) {
    return MinimalResourceJson();
  }
  flyteplug_k8s_vtable const* v = module->k8s;
  flyteplug_bytes ctx = BytesOf(context);
  CallRecord record = Invoke(
      {"build_identity_resource(minimal task context)", OutputKind::kJson,
       [=](flyteplug_buffer* out, flyteplug_error* err) {
         return v->build_identity_resource(instance, ctx, out, err);
       }});
  if (record.code != FLYTEPLUG_OK) return MinimalResourceJson();
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(record.output.data(),
                                            record.output.size());
  if (doc.HasParseError() || !doc.IsObject()) return MinimalResourceJson();
  auto& a = doc.GetAllocator();
  rapidjson::Value metadata(rapidjson::kObjectType);
  metadata.AddMember("name", "f1a2b3c4-n0-0", a);
  metadata.AddMember("namespace", "conformance-development", a);
  doc.RemoveMember("metadata");
  doc.AddMember("metadata", metadata, a);
  doc.RemoveMember("status");
  doc.AddMember("status", rapidjson::Value(rapidjson::kObjectType), a);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<HostileInput> HostileTaskContexts(const std::string& valid) {
  std::vector<HostileInput> inputs = CommonHostile();
  inputs.push_back(
      Input(absl::StrCat("a valid TaskContext truncated to ", valid.size() / 2,
                         " of ", valid.size(), " bytes"),
            valid.substr(0, valid.size() / 2)));
  inputs.push_back(Input("a valid TaskContext missing its last byte",
                         valid.substr(0, valid.size() - 1)));
  return inputs;
}

std::vector<HostileInput> HostileResources() {
  std::vector<HostileInput> inputs = CommonHostile();
  inputs.push_back(Input("invalid JSON", R"({"apiVersion": "v1", "kind": )"));
  inputs.push_back(Input("a JSON array", "[1,2,3]"));
  inputs.push_back(Input("JSON nested 100000 levels deep",
                         std::string(100000, '[') + std::string(100000, ']')));
  HostileInput wrong_types =
      Input("JSON with a wrongly typed status",
            R"({"apiVersion":"v1","kind":"X","status":42,"metadata":"oops"})");
  wrong_types.json_object = true;
  inputs.push_back(std::move(wrong_types));
  return inputs;
}

std::vector<SlotCall> ValidNoIoCalls(const flyteplug_module* module,
                                     flyteplug_instance* instance,
                                     const std::string& context,
                                     const std::string& resource) {
  std::vector<SlotCall> calls;
  flyteplug_bytes ctx = BytesOf(context);
  flyteplug_bytes res = BytesOf(resource);
  if (module->k8s != nullptr) {
    const flyteplug_k8s_vtable* v = module->k8s;
    if (v->build_resource != nullptr) {
      calls.push_back({"build_resource(minimal task context)",
                       OutputKind::kJson,
                       [=](flyteplug_buffer* out, flyteplug_error* err) {
                         return v->build_resource(instance, ctx, out, err);
                       }});
    }
    if (v->build_identity_resource != nullptr) {
      calls.push_back(
          {"build_identity_resource(minimal task context)", OutputKind::kJson,
           [=](flyteplug_buffer* out, flyteplug_error* err) {
             return v->build_identity_resource(instance, ctx, out, err);
           }});
    }
    if (v->get_task_phase != nullptr) {
      calls.push_back({"get_task_phase(minimal task context, resource)",
                       OutputKind::kPhaseInfo,
                       [=](flyteplug_buffer* out, flyteplug_error* err) {
                         return v->get_task_phase(instance, ctx, res, out, err);
                       }});
    }
  } else if (module->webapi != nullptr) {
    const flyteplug_webapi_vtable* v = module->webapi;
    if (v->render_create_request != nullptr) {
      calls.push_back(
          {"render_create_request(minimal task context)", OutputKind::kJson,
           [=](flyteplug_buffer* out, flyteplug_error* err) {
             return v->render_create_request(instance, ctx, out, err);
           }});
    }
    if (v->status != nullptr) {
      calls.push_back({"status(minimal task context, resource)",
                       OutputKind::kPhaseInfo,
                       [=](flyteplug_buffer* out, flyteplug_error* err) {
                         return v->status(instance, ctx, res, out, err);
                       }});
    }
  }
  return calls;
}

std::vector<SlotCall> HostileCalls(const flyteplug_module* module,
                                   flyteplug_instance* instance,
                                   const std::string& valid_context,
                                   const std::vector<HostileInput>& contexts,
                                   const std::vector<HostileInput>& resources) {
  std::vector<SlotCall> calls;
  flyteplug_bytes valid = BytesOf(valid_context);
  static const std::string kResource = MinimalResourceJson();
  flyteplug_bytes valid_resource = BytesOf(kResource);
  if (module->k8s != nullptr) {
    const flyteplug_k8s_vtable* v = module->k8s;
    for (const HostileInput& in : contexts) {
      flyteplug_bytes bad = View(in);
      if (v->build_resource != nullptr) {
        calls.push_back(
            {absl::StrCat("build_resource(task_context: ", in.label, ")"),
             OutputKind::kJson,
             [=](flyteplug_buffer* out, flyteplug_error* err) {
               return v->build_resource(instance, bad, out, err);
             }});
      }
      if (v->build_identity_resource != nullptr) {
        calls.push_back(
            {absl::StrCat("build_identity_resource(task_context: ", in.label,
                          ")"),
             OutputKind::kJson,
             [=](flyteplug_buffer* out, flyteplug_error* err) {
               return v->build_identity_resource(instance, bad, out, err);
             }});
      }
      if (v->get_task_phase != nullptr) {
        calls.push_back(
            {absl::StrCat("get_task_phase(task_context: ", in.label, ")"),
             OutputKind::kPhaseInfo,
             [=](flyteplug_buffer* out, flyteplug_error* err) {
               return v->get_task_phase(instance, bad, valid_resource, out,
                                        err);
             }});
      }
    }
    if (v->get_task_phase != nullptr) {
      for (const HostileInput& in : resources) {
        flyteplug_bytes bad = View(in);
        calls.push_back(
            {absl::StrCat("get_task_phase(resource_json: ", in.label, ")"),
             OutputKind::kPhaseInfo,
             [=](flyteplug_buffer* out, flyteplug_error* err) {
               return v->get_task_phase(instance, valid, bad, out, err);
             },
             /*must_fail=*/!in.json_object});
      }
    }
  } else if (module->webapi != nullptr) {
    const flyteplug_webapi_vtable* v = module->webapi;
    for (const HostileInput& in : contexts) {
      flyteplug_bytes bad = View(in);
      if (v->create != nullptr) {
        calls.push_back({absl::StrCat("create(task_context: ", in.label, ")"),
                         OutputKind::kOpaque,
                         [=](flyteplug_buffer* out, flyteplug_error* err) {
                           return v->create(instance, bad, out, err);
                         }});
      }
      if (v->render_create_request != nullptr) {
        calls.push_back(
            {absl::StrCat("render_create_request(task_context: ", in.label,
                          ")"),
             OutputKind::kJson,
             [=](flyteplug_buffer* out, flyteplug_error* err) {
               return v->render_create_request(instance, bad, out, err);
             }});
      }
      if (v->status != nullptr) {
        calls.push_back({absl::StrCat("status(task_context: ", in.label, ")"),
                         OutputKind::kPhaseInfo,
                         [=](flyteplug_buffer* out, flyteplug_error* err) {
                           return v->status(instance, bad, valid_resource, out,
                                            err);
                         }});
      }
    }
    for (const HostileInput& in : resources) {
      flyteplug_bytes bad = View(in);
      if (v->get != nullptr) {
        calls.push_back({absl::StrCat("get(resource_meta: ", in.label, ")"),
                         OutputKind::kOpaque,
                         [=](flyteplug_buffer* out, flyteplug_error* err) {
                           return v->get(instance, bad, out, err);
                         }});
      }
      if (v->delete_resource != nullptr) {
        calls.push_back(
            {absl::StrCat("delete_resource(resource_meta: ", in.label, ")"),
             OutputKind::kNone, [=](flyteplug_buffer*, flyteplug_error* err) {
               return v->delete_resource(instance, bad, err);
             }});
      }
      if (v->status != nullptr) {
        calls.push_back({absl::StrCat("status(resource: ", in.label, ")"),
                         OutputKind::kPhaseInfo,
                         [=](flyteplug_buffer* out, flyteplug_error* err) {
                           return v->status(instance, valid, bad, out, err);
                         }});
      }
    }
  }
  return calls;
}

}  // namespace flyteplug::conformance
