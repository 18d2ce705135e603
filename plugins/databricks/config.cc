#include "config.h"

#include <cmath>
#include <functional>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "json_util.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace flyteplug::databricks {
namespace {

constexpr absl::string_view kRoot = "plugins.databricks";

// A short rendering of `value` for error messages: scalars as JSON,
// containers by kind (never walked: they may be arbitrarily deep).
std::string Describe(const rapidjson::Value& value) {
  if (value.IsObject()) return "an object";
  if (value.IsArray()) return "a list";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  std::string text(buffer.GetString(), buffer.GetSize());
  if (text.size() > 80) text = absl::StrCat(text.substr(0, 77), "...");
  return text;
}

absl::Status TypeError(absl::string_view path, absl::string_view expected,
                       const rapidjson::Value& got) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected ", expected, ", got ", Describe(got)));
}

absl::Status ReadString(absl::string_view path, const rapidjson::Value& value,
                        std::string* out) {
  if (!value.IsString()) return TypeError(path, "a string", value);
  out->assign(value.GetString(), value.GetStringLength());
  return absl::OkStatus();
}

absl::Status ReadBool(absl::string_view path, const rapidjson::Value& value,
                      bool* out) {
  if (!value.IsBool()) return TypeError(path, "true or false", value);
  *out = value.GetBool();
  return absl::OkStatus();
}

absl::Status ReadPositiveDouble(absl::string_view path,
                                const rapidjson::Value& value, double* out) {
  if (!value.IsNumber() || !(value.GetDouble() > 0) ||
      !std::isfinite(value.GetDouble())) {
    return TypeError(path, "a number > 0", value);
  }
  *out = value.GetDouble();
  return absl::OkStatus();
}

absl::Status ReadPositiveInt(absl::string_view path,
                             const rapidjson::Value& value, int64_t max,
                             int64_t* out) {
  if (!value.IsNumber()) {
    return TypeError(path, absl::StrCat("an integer in [1, ", max, "]"), value);
  }
  double d = value.GetDouble();
  if (value.IsInt64()) d = static_cast<double>(value.GetInt64());
  if (std::trunc(d) != d || d < 1 || d > static_cast<double>(max)) {
    return TypeError(path, absl::StrCat("an integer in [1, ", max, "]"), value);
  }
  *out = static_cast<int64_t>(d);
  return absl::OkStatus();
}

absl::Status ReadDuration(absl::string_view path, const rapidjson::Value& value,
                          bool allow_zero, absl::Duration* out) {
  const char* expected =
      "a duration (\"500ms\", \"10s\", \"1m\") or a number of seconds";
  absl::Duration d;
  if (value.IsNumber()) {
    double seconds = value.GetDouble();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e9) {
      return TypeError(path, expected, value);
    }
    d = absl::Seconds(seconds);
  } else if (value.IsString()) {
    auto parsed = ParseGoDuration(
        absl::string_view(value.GetString(), value.GetStringLength()));
    if (!parsed.ok()) return TypeError(path, expected, value);
    d = *parsed;
  } else {
    return TypeError(path, expected, value);
  }
  if (!allow_zero && d <= absl::ZeroDuration()) {
    return TypeError(path, "a duration > 0", value);
  }
  *out = d;
  return absl::OkStatus();
}

// Walks one JSON object against a table of known keys.
class ObjectReader {
 public:
  using Handler = std::function<absl::Status(const std::string& path,
                                             const rapidjson::Value& value)>;

  ObjectReader(std::string path, std::vector<std::string>* unknown_keys)
      : path_(std::move(path)), unknown_keys_(unknown_keys) {}

  void On(const char* key, Handler handler) {
    handlers_.emplace(key, std::move(handler));
  }
  // Keys accepted for compatibility with Flyte's configuration but unused.
  void Ignore(const char* key) {
    handlers_.emplace(key, [](const std::string&, const rapidjson::Value&) {
      return absl::OkStatus();
    });
  }

  absl::Status Read(const rapidjson::Value& object) {
    if (!object.IsObject()) return TypeError(path_, "an object", object);
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
      std::string key(it->name.GetString(), it->name.GetStringLength());
      std::string path = absl::StrCat(path_, ".", key);
      auto handler = handlers_.find(key);
      if (handler == handlers_.end()) {
        unknown_keys_->push_back(path);
        continue;
      }
      if (absl::Status s = handler->second(path, it->value); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::vector<std::string>* unknown_keys_;
  std::map<std::string, Handler> handlers_;
};

absl::Status ReadRateLimit(const std::string& path,
                           const rapidjson::Value& value,
                           std::vector<std::string>* unknown, RateLimit* out) {
  ObjectReader reader(path, unknown);
  reader.On("qps", [out](const std::string& p, const rapidjson::Value& v) {
    return ReadPositiveDouble(p, v, &out->qps);
  });
  reader.On("burst", [out](const std::string& p, const rapidjson::Value& v) {
    return ReadPositiveInt(p, v, 1000000, &out->burst);
  });
  return reader.Read(value);
}

absl::Status ReadSection(const rapidjson::Value& section,
                         ParsedConfig* parsed) {
  DatabricksConfig& c = parsed->config;
  std::vector<std::string>* unknown = &parsed->unknown_keys;
  ObjectReader root(std::string(kRoot), unknown);
  root.On("databricksInstance",
          [&c](const std::string& p, const rapidjson::Value& v) {
            return ReadString(p, v, &c.databricks_instance);
          });
  root.On("databricksTokenKey",
          [&c](const std::string& p, const rapidjson::Value& v) {
            absl::Status s = ReadString(p, v, &c.databricks_token_key);
            if (s.ok() && c.databricks_token_key.empty()) {
              return TypeError(p, "a non-empty secret key", v);
            }
            return s;
          });
  root.On("entrypointFile",
          [&c](const std::string& p, const rapidjson::Value& v) {
            return ReadString(p, v, &c.entrypoint_file);
          });
  root.On("allowTokenInTask",
          [&c](const std::string& p, const rapidjson::Value& v) {
            return ReadBool(p, v, &c.allow_token_in_task);
          });
  root.On("linkToRunPageUrl",
          [&c](const std::string& p, const rapidjson::Value& v) {
            return ReadBool(p, v, &c.link_to_run_page_url);
          });
  root.On("connectTimeout",
          [&c](const std::string& p, const rapidjson::Value& v) {
            return ReadDuration(p, v, false, &c.connect_timeout);
          });
  root.On("requestTimeout",
          [&c](const std::string& p, const rapidjson::Value& v) {
            return ReadDuration(p, v, false, &c.request_timeout);
          });
  root.On("caBundle", [&c](const std::string& p, const rapidjson::Value& v) {
    return ReadString(p, v, &c.ca_bundle);
  });
  root.On(
      "retry", [&c, unknown](const std::string& p, const rapidjson::Value& v) {
        ObjectReader retry(p, unknown);
        retry.On("maxAttempts",
                 [&c](const std::string& p2, const rapidjson::Value& v2) {
                   int64_t n = 0;
                   absl::Status s = ReadPositiveInt(p2, v2, 100, &n);
                   c.retry.max_attempts = static_cast<int>(n);
                   return s;
                 });
        retry.On("initialBackoff",
                 [&c](const std::string& p2, const rapidjson::Value& v2) {
                   return ReadDuration(p2, v2, true, &c.retry.initial_backoff);
                 });
        retry.On("maxBackoff",
                 [&c](const std::string& p2, const rapidjson::Value& v2) {
                   return ReadDuration(p2, v2, true, &c.retry.max_backoff);
                 });
        retry.On("maxTotalTime",
                 [&c](const std::string& p2, const rapidjson::Value& v2) {
                   return ReadDuration(p2, v2, false, &c.retry.max_total_time);
                 });
        return retry.Read(v);
      });
  root.On("webApi", [&c, unknown](const std::string& p,
                                  const rapidjson::Value& v) {
    ObjectReader web(p, unknown);
    web.On("readRateLimiter",
           [&c, unknown](const std::string& p2, const rapidjson::Value& v2) {
             return ReadRateLimit(p2, v2, unknown, &c.read_rate_limit);
           });
    web.On("writeRateLimiter",
           [&c, unknown](const std::string& p2, const rapidjson::Value& v2) {
             return ReadRateLimit(p2, v2, unknown, &c.write_rate_limit);
           });
    // Flyte's web-API framework settings: the host owns caching, quotas and
    // resync, so these are accepted and not used by the module.
    web.Ignore("resourceQuotas");
    web.Ignore("caching");
    web.Ignore("resourceMeta");
    return web.Read(v);
  });
  root.Ignore("resourceConstraints");
  root.Ignore("defaultWarehouse");
  return root.Read(section);
}

}  // namespace

absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text) {
  absl::Duration d;
  if (text.empty() || !absl::ParseDuration(text, &d) ||
      d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a duration: \"", text, "\""));
  }
  return d;
}

absl::StatusOr<ParsedConfig> ParseConfig(absl::string_view init_config_json) {
  ParsedConfig parsed;
  if (init_config_json.empty()) return parsed;
  rapidjson::Document document;
  document.Parse<kJsonParseFlags>(init_config_json.data(),
                                  init_config_json.size());
  if (document.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugins: configuration is not valid JSON at offset ",
                     document.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(document.GetParseError())));
  }
  if (!document.IsObject()) {
    return TypeError("plugins", "an object of sections", document);
  }
  auto section = document.FindMember("databricks");
  if (section == document.MemberEnd() || section->value.IsNull()) {
    return parsed;
  }
  if (absl::Status s = ReadSection(section->value, &parsed); !s.ok()) return s;
  const RetryPolicy& r = parsed.config.retry;
  if (r.max_backoff < r.initial_backoff) {
    return absl::InvalidArgumentError(absl::StrCat(
        kRoot, ".retry.maxBackoff: ", absl::FormatDuration(r.max_backoff),
        " is smaller than retry.initialBackoff ",
        absl::FormatDuration(r.initial_backoff)));
  }
  return parsed;
}

}  // namespace flyteplug::databricks
