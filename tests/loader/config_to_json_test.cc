// flyteplug_config_to_json through the public C API (loader.h) and its C++
// wrapper (LoaderClient::ConfigToJson): formats, errors, the warnings an OK
// status carries, ownership.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "flyteplug/loader.h"
#include "flyteplug/loader_client.h"
#include "gtest/gtest.h"

namespace flyteplug::testing {
namespace {

// One C call; returns the code, fills *json and *message (empty if none).
flyteplug_status_code Convert(absl::string_view config, int32_t format,
                              std::string* json, std::string* message) {
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  flyteplug_buffer out{};
  const flyteplug_bytes in{reinterpret_cast<const uint8_t*>(config.data()),
                           config.size()};
  const flyteplug_status_code code =
      flyteplug_config_to_json(in, format, &out, &status);
  EXPECT_EQ(code, status.code);
  json->assign(reinterpret_cast<const char*>(out.data), out.size);
  *message = status.message == nullptr ? "" : status.message;
  flyteplug_buffer_release(&out);
  flyteplug_status_clear(&status);
  return code;
}

TEST(ConfigToJson, AutoTellsJsonFromYaml) {
  std::string json, message;
  ASSERT_EQ(Convert(" \n{\"plugins\": {}}", FLYTEPLUG_CONFIG_FORMAT_AUTO, &json,
                    &message),
            FLYTEPLUG_OK);
  EXPECT_EQ(json, " \n{\"plugins\": {}}");  // JSON is copied unchanged
  EXPECT_EQ(message, "");
  ASSERT_EQ(Convert("plugins:\n  spark:\n    x: '1'\n",
                    FLYTEPLUG_CONFIG_FORMAT_AUTO, &json, &message),
            FLYTEPLUG_OK);
  EXPECT_EQ(json, R"({"plugins":{"spark":{"x":"1"}}})");
  ASSERT_EQ(Convert("", FLYTEPLUG_CONFIG_FORMAT_AUTO, &json, &message),
            FLYTEPLUG_OK);
  EXPECT_EQ(json, "{}");
}

TEST(ConfigToJson, ExplicitFormats) {
  std::string json, message;
  // "{a: 1}" is a YAML flow mapping but not JSON.
  EXPECT_EQ(Convert("{a: 1}", FLYTEPLUG_CONFIG_FORMAT_YAML, &json, &message),
            FLYTEPLUG_OK);
  EXPECT_EQ(json, R"({"a":1})");
  EXPECT_EQ(Convert("{a: 1}", FLYTEPLUG_CONFIG_FORMAT_JSON, &json, &message),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(message.rfind("config: invalid JSON at offset 1", 0), 0u)
      << message;
}

TEST(ConfigToJson, ErrorsNameLineAndColumn) {
  std::string json, message;
  EXPECT_EQ(Convert("plugins:\n  spark: {}\n  spark: {}\n",
                    FLYTEPLUG_CONFIG_FORMAT_AUTO, &json, &message),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(message, "config:3:3: plugins.spark: duplicate key");
  EXPECT_TRUE(json.empty());
  EXPECT_EQ(Convert("- a\n", FLYTEPLUG_CONFIG_FORMAT_YAML, &json, &message),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(message, "config: the configuration must be a YAML mapping");
  EXPECT_EQ(Convert("[]", FLYTEPLUG_CONFIG_FORMAT_JSON, &json, &message),
            FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_EQ(message, "config: the configuration must be a JSON object");
}

TEST(ConfigToJson, MisspelledKeysAreWarningsInAnOkStatus) {
  std::string json, message;
  ASSERT_EQ(Convert("plugin: {}\ntasks:\n  task-plugin: {}\n",
                    FLYTEPLUG_CONFIG_FORMAT_YAML, &json, &message),
            FLYTEPLUG_OK);
  EXPECT_EQ(json, R"({"plugin":{},"tasks":{"task-plugin":{}}})");
  EXPECT_EQ(message,
            "plugin: unknown key, did you mean 'plugins'?\n"
            "tasks.task-plugin: unknown key, did you mean 'task-plugins'?");

  std::vector<std::string> warnings;
  auto converted = LoaderClient::ConfigToJson(
      R"({"plugin": {}})", FLYTEPLUG_CONFIG_FORMAT_AUTO, &warnings);
  ASSERT_TRUE(converted.ok()) << converted.status();
  EXPECT_EQ(warnings, std::vector<std::string>{
                          "plugin: unknown key, did you mean 'plugins'?"});
}

TEST(ConfigToJson, BadArguments) {
  std::string json, message;
  EXPECT_EQ(Convert("{}", 3, &json, &message), FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(message.find("format 3"), std::string::npos) << message;
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  EXPECT_EQ(
      flyteplug_config_to_json(flyteplug_bytes{nullptr, 0},
                               FLYTEPLUG_CONFIG_FORMAT_AUTO, nullptr, &status),
      FLYTEPLUG_INVALID_ARGUMENT);
  flyteplug_status_clear(&status);
  flyteplug_buffer out{};
  EXPECT_EQ(
      flyteplug_config_to_json(flyteplug_bytes{nullptr, 5},
                               FLYTEPLUG_CONFIG_FORMAT_AUTO, &out, &status),
      FLYTEPLUG_INVALID_ARGUMENT);
  EXPECT_NE(std::string(status.message).find("config: NULL data"),
            std::string::npos);
  flyteplug_status_clear(&status);
  // A NULL status is allowed: only the code comes back.
  EXPECT_EQ(
      flyteplug_config_to_json(flyteplug_bytes{nullptr, 0},
                               FLYTEPLUG_CONFIG_FORMAT_AUTO, &out, nullptr),
      FLYTEPLUG_OK);
  flyteplug_buffer_release(&out);
}

}  // namespace
}  // namespace flyteplug::testing
