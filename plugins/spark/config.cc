#include "config.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/json_util.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::spark {

namespace json = ::flyteplug::sdk::json;
namespace {

using json::Value;

absl::Status TypeError(absl::string_view path, absl::string_view expected,
                       const Value& got) {
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": expected ", expected, ", got ", json::TypeName(got)));
}

// A JSON object being read: hands out members by case-insensitive key and
// reports the members nobody asked for.
class Section {
 public:
  // `object` may be nullptr or null (an absent section).
  Section(const Value* object, std::string path)
      : object_(object), path_(std::move(path)) {}

  absl::Status CheckObject() const {
    if (object_ == nullptr || object_->IsNull() || object_->IsObject()) {
      return absl::OkStatus();
    }
    return TypeError(path_, "an object", *object_);
  }

  // The member `key`, or nullptr when absent or null.
  const Value* Get(absl::string_view key) {
    if (object_ == nullptr || !object_->IsObject()) return nullptr;
    for (auto it = object_->MemberBegin(); it != object_->MemberEnd(); ++it) {
      absl::string_view name(it->name.GetString(), it->name.GetStringLength());
      if (absl::EqualsIgnoreCase(name, key)) {
        known_.push_back(&it->value);
        return it->value.IsNull() ? nullptr : &it->value;
      }
    }
    return nullptr;
  }

  std::string Path(absl::string_view key) const {
    return absl::StrCat(path_, ".", key);
  }

  void ReportUnknown(std::vector<std::string>* unknown_keys) const {
    if (unknown_keys == nullptr || object_ == nullptr || !object_->IsObject()) {
      return;
    }
    for (auto it = object_->MemberBegin(); it != object_->MemberEnd(); ++it) {
      bool known = false;
      for (const Value* seen : known_) known = known || seen == &it->value;
      if (!known) {
        unknown_keys->push_back(
            absl::StrCat(path_, ".",
                         absl::string_view(it->name.GetString(),
                                           it->name.GetStringLength())));
      }
    }
  }

 private:
  const Value* object_;
  std::string path_;
  std::vector<const Value*> known_;
};

// Flyte decodes its configuration weakly: numbers and booleans become strings
// where strings are expected.
absl::Status ToWeakString(const Value& value, absl::string_view path,
                          std::string* out) {
  if (value.IsString()) {
    out->assign(value.GetString(), value.GetStringLength());
    return absl::OkStatus();
  }
  if (value.IsBool()) {
    *out = value.GetBool() ? "true" : "false";
    return absl::OkStatus();
  }
  if (value.IsNumber()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    value.Accept(writer);
    out->assign(buffer.GetString(), buffer.GetSize());
    return absl::OkStatus();
  }
  return TypeError(path, "a string", value);
}

absl::Status ReadString(Section& section, absl::string_view key,
                        std::string* out) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  return ToWeakString(*value, section.Path(key), out);
}

absl::Status ToBool(const Value& value, absl::string_view path, bool* out) {
  if (value.IsBool()) {
    *out = value.GetBool();
    return absl::OkStatus();
  }
  if (value.IsNumber()) {
    *out = value.GetDouble() != 0;
    return absl::OkStatus();
  }
  if (value.IsString()) {
    std::string s = absl::AsciiStrToLower(
        absl::string_view(value.GetString(), value.GetStringLength()));
    if (s == "true" || s == "t" || s == "1") {
      *out = true;
      return absl::OkStatus();
    }
    if (s == "false" || s == "f" || s == "0") {
      *out = false;
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a boolean, got \"", s, "\""));
  }
  return TypeError(path, "a boolean", value);
}

absl::Status ReadBool(Section& section, absl::string_view key, bool* out) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  return ToBool(*value, section.Path(key), out);
}

absl::Status ReadOptionalBool(Section& section, absl::string_view key,
                              std::optional<bool>* out) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  bool b = false;
  if (absl::Status s = ToBool(*value, section.Path(key), &b); !s.ok()) {
    return s;
  }
  *out = b;
  return absl::OkStatus();
}

// Adds the members of `object` (scalars) to `out`, later keys winning.
absl::Status AddStringMap(const Value& object, absl::string_view path,
                          std::map<std::string, std::string>* out) {
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    std::string value;
    if (!it->value.IsNull()) {
      if (absl::Status s =
              ToWeakString(it->value, absl::StrCat(path, ".", key), &value);
          !s.ok()) {
        return s;
      }
    }
    (*out)[key] = std::move(value);
  }
  return absl::OkStatus();
}

// A map<string,string>; with `allow_list`, also the Helm chart's list of
// single-entry maps.
absl::Status ReadStringMap(Section& section, absl::string_view key,
                           std::map<std::string, std::string>* out,
                           bool allow_list = false) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  std::string path = section.Path(key);
  out->clear();
  if (value->IsObject()) return AddStringMap(*value, path, out);
  if (allow_list && value->IsArray()) {
    for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
      const Value& item = (*value)[i];
      std::string item_path = absl::StrCat(path, "[", i, "]");
      if (item.IsNull()) continue;
      if (!item.IsObject()) return TypeError(item_path, "an object", item);
      if (absl::Status s = AddStringMap(item, item_path, out); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }
  return TypeError(path,
                   allow_list ? "an object or a list of objects" : "an object",
                   *value);
}

absl::Status ReadStringList(Section& section, absl::string_view key,
                            std::vector<std::string>* out) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  std::string path = section.Path(key);
  if (!value->IsArray()) return TypeError(path, "an array", *value);
  out->clear();
  for (rapidjson::SizeType i = 0; i < value->Size(); ++i) {
    std::string item;
    if (absl::Status s =
            ToWeakString((*value)[i], absl::StrCat(path, "[", i, "]"), &item);
        !s.ok()) {
      return s;
    }
    out->push_back(std::move(item));
  }
  return absl::OkStatus();
}

// Copies a Kubernetes object (JSON object) into the config's store.
absl::Status ReadObject(Section& section, absl::string_view key,
                        rapidjson::Document& store, Value* out) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  if (!value->IsObject()) {
    return TypeError(section.Path(key), "an object", *value);
  }
  out->CopyFrom(*value, store.GetAllocator());
  return absl::OkStatus();
}

absl::Status CheckObjectArray(const Value& value, absl::string_view path) {
  if (!value.IsArray()) return TypeError(path, "an array", value);
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    if (!value[i].IsObject()) {
      return TypeError(absl::StrCat(path, "[", i, "]"), "an object", value[i]);
    }
  }
  return absl::OkStatus();
}

// A list of Kubernetes objects (e.g. tolerations) into the store.
absl::Status ReadObjectArray(Section& section, absl::string_view key,
                             rapidjson::Document& store, Value* out) {
  const Value* value = section.Get(key);
  if (value == nullptr) return absl::OkStatus();
  if (absl::Status s = CheckObjectArray(*value, section.Path(key)); !s.ok()) {
    return s;
  }
  out->CopyFrom(*value, store.GetAllocator());
  return absl::OkStatus();
}

// A NodeSelectorRequirement: {key, operator, values?}.
absl::Status ReadRequirement(Section& section, absl::string_view key,
                             rapidjson::Document& store, Value* out) {
  if (absl::Status s = ReadObject(section, key, store, out); !s.ok()) return s;
  if (out->IsNull()) return absl::OkStatus();
  std::string path = section.Path(key);
  const Value* req_key = json::Find(*out, "key");
  const Value* op = json::Find(*out, "operator");
  if (req_key == nullptr || !req_key->IsString()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ".key: a node selector requirement needs a string "
                     "key"));
  }
  if (op == nullptr || !op->IsString()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path,
                     ".operator: a node selector requirement needs a string "
                     "operator"));
  }
  if (const Value* values = json::Find(*out, "values")) {
    if (!values->IsArray()) {
      return TypeError(absl::StrCat(path, ".values"), "an array", *values);
    }
    for (rapidjson::SizeType i = 0; i < values->Size(); ++i) {
      if (!(*values)[i].IsString()) {
        return TypeError(absl::StrCat(path, ".values[", i, "]"), "a string",
                         (*values)[i]);
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ParseFeatures(const Value& value, absl::string_view path,
                           std::vector<FeatureConfig>* out,
                           std::vector<std::string>* unknown_keys) {
  if (!value.IsArray()) return TypeError(path, "an array", value);
  out->clear();
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    std::string item_path = absl::StrCat(path, "[", i, "]");
    Section item(&value[i], item_path);
    if (!value[i].IsObject())
      return TypeError(item_path, "an object", value[i]);
    FeatureConfig feature;
    if (absl::Status s = ReadString(item, "name", &feature.name); !s.ok()) {
      return s;
    }
    if (absl::Status s =
            ReadStringMap(item, "spark-config", &feature.spark_config);
        !s.ok()) {
      return s;
    }
    item.ReportUnknown(unknown_keys);
    out->push_back(std::move(feature));
  }
  return absl::OkStatus();
}

absl::Status ParseSpark(const Value* value, SparkPluginConfig* config,
                        std::vector<std::string>* unknown_keys) {
  Section section(value, "plugins.spark");
  if (absl::Status s = section.CheckObject(); !s.ok()) return s;
  absl::Status s;
  if (s = ReadStringMap(section, "spark-config-default",
                        &config->spark_config_default, /*allow_list=*/true);
      !s.ok()) {
    return s;
  }
  if (s = ReadString(section, "spark-history-server-url",
                     &config->spark_history_server_url);
      !s.ok()) {
    return s;
  }
  if (const Value* features = section.Get("features")) {
    if (s = ParseFeatures(*features, section.Path("features"),
                          &config->features, unknown_keys);
        !s.ok()) {
      return s;
    }
  }
  if (const Value* logs = section.Get("logs")) {
    absl::StatusOr<SparkLogsConfig> parsed =
        ParseSparkLogsConfig(logs, unknown_keys);
    if (!parsed.ok()) return parsed.status();
    config->logs = *std::move(parsed);
  }
  if (s = ReadString(section, "spark-version", &config->spark_version);
      !s.ok()) {
    return s;
  }
  struct {
    const char* key;
    bool* field;
  } switches[] = {
      {"validate-manifest", &config->validate_manifest},
      {"user-spark-conf-wins", &config->user_spark_conf_wins},
      {"sanitize-pod-name-prefix", &config->sanitize_pod_name_prefix},
      {"enforce-platform-affinity", &config->enforce_platform_affinity},
      {"dedupe-overlay-containers", &config->dedupe_overlay_containers},
      {"overlay-primary-container-alias",
       &config->overlay_primary_container_alias},
      {"propagate-container-resources", &config->propagate_container_resources},
      {"enable-pod-template", &config->enable_pod_template},
  };
  for (const auto& sw : switches) {
    if (s = ReadBool(section, sw.key, sw.field); !s.ok()) return s;
  }
  section.ReportUnknown(unknown_keys);
  return absl::OkStatus();
}

// Keys of Flyte's K8sPluginConfig that the Spark module accepts (so a
// propeller configuration carries over without warnings) but does not use.
constexpr const char* kUnusedK8sKeys[] = {
    "default-env-from-configmaps",
    "default-env-from-secrets",
    "co-pilot",
    "delete-resource-on-finalize",
    "create-container-error-grace-period",
    "create-container-config-error-grace-period",
    "image-pull-backoff-grace-period",
    "pod-pending-timeout",
    "default-pod-template-resync",
    "send-object-events",
    "update-base-backoff-duration",
    "update-backoff-retries",
    "enable-distributed-error-aggregation",
    "accelerator-devices",
    "accelerator-device-classes",
};

absl::Status ParseK8s(const Value* value, K8sPluginConfig* config,
                      std::vector<std::string>* unknown_keys) {
  Section section(value, "plugins.k8s");
  if (absl::Status s = section.CheckObject(); !s.ok()) return s;
  rapidjson::Document& store = *config->store;
  absl::Status s;
  struct MapKey {
    const char* key;
    std::map<std::string, std::string>* field;
  } maps[] = {
      {"default-annotations", &config->default_annotations},
      {"default-labels", &config->default_labels},
      {"default-env-vars", &config->default_env_vars},
      {"default-env-vars-from-env", &config->default_env_vars_from_env},
      {"default-node-selector", &config->default_node_selector},
      {"interruptible-node-selector", &config->interruptible_node_selector},
  };
  for (const MapKey& m : maps) {
    if (s = ReadStringMap(section, m.key, m.field); !s.ok()) return s;
  }
  struct StringKey {
    const char* key;
    std::string* field;
  } strings[] = {
      {"default-cpus", &config->default_cpus},
      {"default-memory", &config->default_memory},
      {"scheduler-name", &config->scheduler_name},
      {"default-pod-template-name", &config->default_pod_template_name},
      {"image-pull-policy", &config->image_pull_policy},
      {"gpu-device-node-label", &config->gpu_device_node_label},
      {"gpu-partition-size-node-label", &config->gpu_partition_size_node_label},
      {"gpu-resource-name", &config->gpu_resource_name},
  };
  for (const StringKey& k : strings) {
    if (s = ReadString(section, k.key, k.field); !s.ok()) return s;
  }
  if (s = ReadStringList(section, "add-tolerations-for-extended-resources",
                         &config->add_tolerations_for_extended_resources);
      !s.ok()) {
    return s;
  }
  if (s = ReadOptionalBool(section, "enable-host-networking-pod",
                           &config->enable_host_networking_pod);
      !s.ok()) {
    return s;
  }
  if (s = ReadBool(section, "inject-finalizer", &config->inject_finalizer);
      !s.ok()) {
    return s;
  }
  if (s = ReadObjectArray(section, "default-tolerations", store,
                          &config->default_tolerations);
      !s.ok()) {
    return s;
  }
  if (s = ReadObjectArray(section, "interruptible-tolerations", store,
                          &config->interruptible_tolerations);
      !s.ok()) {
    return s;
  }
  if (const Value* tolerations = section.Get("resource-tolerations")) {
    std::string path = section.Path("resource-tolerations");
    if (!tolerations->IsObject()) {
      return TypeError(path, "an object", *tolerations);
    }
    for (auto it = tolerations->MemberBegin(); it != tolerations->MemberEnd();
         ++it) {
      if (it->value.IsNull()) continue;
      if (s = CheckObjectArray(
              it->value,
              absl::StrCat(path, ".",
                           absl::string_view(it->name.GetString(),
                                             it->name.GetStringLength())));
          !s.ok()) {
        return s;
      }
    }
    config->resource_tolerations.CopyFrom(*tolerations, store.GetAllocator());
  }
  struct ObjectKey {
    const char* key;
    Value* field;
    bool requirement;
  } objects[] = {
      {"default-affinity", &config->default_affinity, false},
      {"interruptible-node-selector-requirement",
       &config->interruptible_node_selector_requirement, true},
      {"non-interruptible-node-selector-requirement",
       &config->non_interruptible_node_selector_requirement, true},
      {"default-pod-security-context", &config->default_pod_security_context,
       false},
      {"default-security-context", &config->default_security_context, false},
      {"default-pod-dns-config", &config->default_pod_dns_config, false},
      {"gpu-unpartitioned-node-selector-requirement",
       &config->gpu_unpartitioned_node_selector_requirement, true},
      {"gpu-unpartitioned-toleration", &config->gpu_unpartitioned_toleration,
       false},
  };
  for (const ObjectKey& o : objects) {
    s = o.requirement ? ReadRequirement(section, o.key, store, o.field)
                      : ReadObject(section, o.key, store, o.field);
    if (!s.ok()) return s;
  }
  for (const char* key : kUnusedK8sKeys) section.Get(key);
  section.ReportUnknown(unknown_keys);
  return absl::OkStatus();
}

// Deeper configuration is refused: every walker below is recursive.
constexpr int kMaxConfigDepth = 64;

// The nesting depth of `root` (a scalar is 0), computed without recursion.
int NestingDepth(const Value& root) {
  std::vector<std::pair<const Value*, int>> stack = {{&root, 0}};
  int deepest = 0;
  while (!stack.empty()) {
    auto [value, depth] = stack.back();
    stack.pop_back();
    if (depth > deepest) deepest = depth;
    if (depth > kMaxConfigDepth) break;
    if (value->IsObject()) {
      for (auto it = value->MemberBegin(); it != value->MemberEnd(); ++it) {
        stack.emplace_back(&it->value, depth + 1);
      }
    } else if (value->IsArray()) {
      for (const Value& item : value->GetArray()) {
        stack.emplace_back(&item, depth + 1);
      }
    }
  }
  return deepest;
}

}  // namespace

absl::StatusOr<ModuleConfig> ParseModuleConfig(
    absl::string_view config_json, std::vector<std::string>* unknown_keys) {
  ModuleConfig config;
  if (absl::StripAsciiWhitespace(config_json).empty()) return config;
  rapidjson::Document document;
  // Iterative parsing: a hostile, deeply nested document must not exhaust
  // the stack; the depth is then bounded before anything walks it.
  document.Parse<rapidjson::kParseIterativeFlag>(config_json.data(),
                                                 config_json.size());
  if (document.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugins: configuration is not valid JSON at offset ",
                     document.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(document.GetParseError())));
  }
  if (NestingDepth(document) > kMaxConfigDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugins: configuration nests deeper than ",
                     kMaxConfigDepth, " levels"));
  }
  Section plugins(&document, "plugins");
  if (absl::Status s = plugins.CheckObject(); !s.ok()) return s;
  if (absl::Status s =
          ParseSpark(plugins.Get("spark"), &config.spark, unknown_keys);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParseK8s(plugins.Get("k8s"), &config.k8s, unknown_keys);
      !s.ok()) {
    return s;
  }
  plugins.ReportUnknown(unknown_keys);
  return config;
}

}  // namespace flyteplug::spark
