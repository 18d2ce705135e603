#include "config.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/config_reader.h"
#include "flyteplug/sdk/input_limits.h"
#include "flyteplug/sdk/json.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace flyteplug::databricks {
namespace {

using ::flyteplug::sdk::ConfigReader;
using ::flyteplug::sdk::json::TypeError;
using ::rapidjson::Value;

constexpr absl::string_view kRoot = "plugins.databricks";

absl::Status ReadPositiveDouble(absl::string_view path, const Value& value,
                                double* out) {
  if (!value.IsNumber() || !(value.GetDouble() > 0) ||
      !std::isfinite(value.GetDouble())) {
    return TypeError(path, "a number > 0", value);
  }
  *out = value.GetDouble();
  return absl::OkStatus();
}

absl::Status ReadPositiveInt(absl::string_view path, const Value& value,
                             int64_t max, int64_t* out) {
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

// A Go-style duration string or a number of seconds.
ConfigReader::Handler DurationInto(bool allow_zero, absl::Duration* out) {
  return [allow_zero, out](const Value& value,
                           const std::string& path) -> absl::Status {
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
      auto parsed = ParseGoDuration(sdk::json::StringOf(value));
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
  };
}

ConfigReader::Handler RequestFormatInto(RequestFormat* out) {
  return [out](const Value& value, const std::string& path) -> absl::Status {
    const char* expected = "\"multi-task\" or \"single-task\"";
    if (!value.IsString()) return TypeError(path, expected, value);
    const absl::string_view text = sdk::json::StringOf(value);
    if (text == "multi-task") {
      *out = RequestFormat::kMultiTask;
    } else if (text == "single-task") {
      *out = RequestFormat::kSingleTask;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": expected ", expected));
    }
    return absl::OkStatus();
  };
}

// A secret key: a non-empty string.
ConfigReader::Handler SecretKeyInto(std::string* out) {
  return [out](const Value& value, const std::string& path) -> absl::Status {
    absl::Status s = sdk::ReadString(value, path, out);
    if (s.ok() && out->empty()) {
      return TypeError(path, "a non-empty secret key", value);
    }
    return s;
  };
}

ConfigReader::Handler RateLimitInto(std::vector<std::string>* warnings,
                                    RateLimit* out) {
  return [warnings, out](const Value& value, const std::string& path) {
    ConfigReader reader(path, warnings);
    reader
        .On("qps",
            [out](const Value& v, const std::string& p) {
              return ReadPositiveDouble(p, v, &out->qps);
            })
        .On("burst", [out](const Value& v, const std::string& p) {
          return ReadPositiveInt(p, v, 1000000, &out->burst);
        });
    return reader.Read(&value);
  };
}

ConfigReader::Handler RetryInto(std::vector<std::string>* warnings,
                                RetryPolicy* out) {
  return [warnings, out](const Value& value, const std::string& path) {
    ConfigReader reader(path, warnings);
    reader
        .On("maxAttempts",
            [out](const Value& v, const std::string& p) {
              int64_t n = 0;
              absl::Status s = ReadPositiveInt(p, v, 100, &n);
              if (s.ok()) out->max_attempts = static_cast<int>(n);
              return s;
            })
        .On("initialBackoff", DurationInto(true, &out->initial_backoff))
        .On("maxBackoff", DurationInto(true, &out->max_backoff))
        .On("maxTotalTime", DurationInto(false, &out->max_total_time));
    return reader.Read(&value);
  };
}

ConfigReader::Handler WebApiInto(std::vector<std::string>* warnings,
                                 DatabricksConfig* c) {
  return [warnings, c](const Value& value, const std::string& path) {
    ConfigReader reader(path, warnings);
    reader.On("readRateLimiter", RateLimitInto(warnings, &c->read_rate_limit))
        .On("writeRateLimiter", RateLimitInto(warnings, &c->write_rate_limit))
        // Flyte's web-API framework settings: the host owns caching, quotas
        // and resync, so these are accepted and not used by the module.
        .Ignore("resourceQuotas")
        .Ignore("caching")
        .Ignore("resourceMeta");
    return reader.Read(&value);
  };
}

absl::Status ReadSection(const Value& section, ParsedConfig* parsed) {
  DatabricksConfig& c = parsed->config;
  std::vector<std::string>* warnings = &parsed->warnings;
  ConfigReader root(std::string(kRoot), warnings);
  root.String("databricksInstance", &c.databricks_instance)
      .On("databricksTokenKey", SecretKeyInto(&c.databricks_token_key))
      .On("databricksClientIdKey", SecretKeyInto(&c.databricks_client_id_key))
      .On("databricksClientSecretKey",
          SecretKeyInto(&c.databricks_client_secret_key))
      .String("entrypointFile", &c.entrypoint_file)
      .Bool("allowTokenInTask", &c.allow_token_in_task)
      .On("requestFormat", RequestFormatInto(&c.request_format))
      .Bool("linkToRunPageUrl", &c.link_to_run_page_url)
      .On("connectTimeout", DurationInto(false, &c.connect_timeout))
      .On("requestTimeout", DurationInto(false, &c.request_timeout))
      .String("caBundle", &c.ca_bundle)
      .On("retry", RetryInto(warnings, &c.retry))
      .On("webApi", WebApiInto(warnings, &c))
      .Ignore("resourceConstraints")
      .Ignore("defaultWarehouse");
  return root.Read(&section);
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
  if (absl::Status s = sdk::json::CheckLimits(init_config_json); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("plugins: ", s.message()));
  }
  rapidjson::Document document;
  document.Parse<sdk::json::kParseFlags>(init_config_json.data(),
                                         init_config_json.size());
  if (document.HasParseError()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugins: configuration is not valid JSON at offset ",
                     document.GetErrorOffset(), ": ",
                     rapidjson::GetParseError_En(document.GetParseError())));
  }
  // Other sections are the loader's to report (it hands each module only the
  // sections it asked for).
  ConfigReader plugins("plugins", /*warnings=*/nullptr);
  plugins.On("databricks", [&parsed](const Value& v, const std::string&) {
    return ReadSection(v, &parsed);
  });
  if (absl::Status s = plugins.Read(&document); !s.ok()) return s;
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
