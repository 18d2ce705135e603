#include "log_config.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"

namespace flyteplug::spark {
namespace {

using ::flyteplug::abi::flyteidl::core::TaskLog;

constexpr absl::string_view kDefaultTemplate =
    "http://localhost:30082/#!/log/{{ .namespace }}/{{ .podName }}/"
    "pod?namespace={{ .namespace }}";

rapidjson::Document Json(absl::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

absl::StatusOr<SparkLogsConfig> Parse(absl::string_view text,
                                      std::vector<std::string>* unknown) {
  rapidjson::Document doc = Json(text);
  return ParseSparkLogsConfig(&doc, unknown);
}

void ExpectAllOff(const LogConfig& c) {
  EXPECT_FALSE(c.kubernetes_enabled);
  EXPECT_FALSE(c.cloudwatch_enabled);
  EXPECT_FALSE(c.stackdriver_enabled);
  EXPECT_TRUE(c.kubernetes_template_uri.empty());
  EXPECT_TRUE(c.templates.empty());
  EXPECT_TRUE(c.dynamic_log_links.empty());
}

void ExpectDefaults(const SparkLogsConfig& c) {
  EXPECT_TRUE(c.mixed.kubernetes_enabled);
  EXPECT_EQ(c.mixed.kubernetes_template_uri, kDefaultTemplate);
  EXPECT_TRUE(c.mixed.kubernetes_url.empty());
  EXPECT_FALSE(c.mixed.cloudwatch_enabled);
  EXPECT_FALSE(c.mixed.stackdriver_enabled);
  EXPECT_TRUE(c.mixed.templates.empty());
  EXPECT_TRUE(c.mixed.dynamic_log_links.empty());
  ExpectAllOff(c.user);
  ExpectAllOff(c.system);
  ExpectAllOff(c.all_user);
}

TEST(LogConfigTest, DefaultsAreFlytes) {
  ExpectDefaults(DefaultSparkLogsConfig());
}

TEST(LogConfigTest, AbsentNullOrEmptyGivesDefaults) {
  std::vector<std::string> unknown;
  absl::StatusOr<SparkLogsConfig> c = ParseSparkLogsConfig(nullptr, &unknown);
  ASSERT_TRUE(c.ok()) << c.status();
  ExpectDefaults(*c);
  for (absl::string_view text :
       {"null", "{}", R"({"mixed": null, "user": null})",
        R"({"mixed": {"kubernetes-enabled": null,
                      "kubernetes-template-uri": null, "templates": null,
                      "dynamic-log-links": null}})"}) {
    c = Parse(text, &unknown);
    ASSERT_TRUE(c.ok()) << text << ": " << c.status();
    ExpectDefaults(*c);
  }
  EXPECT_TRUE(unknown.empty());
}

TEST(LogConfigTest, ParsesEveryKeyOfEveryKind) {
  constexpr absl::string_view kLogConfig = R"({
    "cloudwatch-enabled": true, "cloudwatch-region": "us-east-1",
    "cloudwatch-log-group": "/eks/logs", "cloudwatch-template-uri": "cw",
    "kubernetes-enabled": true, "kubernetes-url": "http://k8s",
    "kubernetes-template-uri": "k8s",
    "stackdriver-enabled": true, "gcp-project": "proj",
    "stackdriver-logresourcename": "k8s_container",
    "stackdriver-template-uri": "sd",
    "templates": [
      {"name": "t", "displayName": "Tmpl", "templateUris": ["a", "b"],
       "dynamicTemplateUris": ["d"], "messageFormat": 1, "scheme": "Pod",
       "showWhilePending": true, "hideOnceFinished": true},
      {"displayName": "Second", "templateUris": "single"}
    ],
    "dynamic-log-links": {
      "vscode": {"displayName": "VS Code", "templateUris": ["v1", "v2"],
                 "showWhilePending": true, "hideOnceFinished": true},
      "alpha": {"displayName": "Alpha", "templateUris": ["x"]}
    }
  })";
  const std::string text = absl::StrCat(
      R"({"mixed": )", kLogConfig, R"(, "user": )", kLogConfig,
      R"(, "system": )", kLogConfig, R"(, "all-user": )", kLogConfig, "}");
  std::vector<std::string> unknown;
  absl::StatusOr<SparkLogsConfig> parsed = Parse(text, &unknown);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(unknown.empty());
  for (const LogConfig* c :
       {&parsed->mixed, &parsed->user, &parsed->system, &parsed->all_user}) {
    EXPECT_TRUE(c->cloudwatch_enabled);
    EXPECT_EQ(c->cloudwatch_region, "us-east-1");
    EXPECT_EQ(c->cloudwatch_log_group, "/eks/logs");
    EXPECT_EQ(c->cloudwatch_template_uri, "cw");
    EXPECT_TRUE(c->kubernetes_enabled);
    EXPECT_EQ(c->kubernetes_url, "http://k8s");
    EXPECT_EQ(c->kubernetes_template_uri, "k8s");
    EXPECT_TRUE(c->stackdriver_enabled);
    EXPECT_EQ(c->gcp_project, "proj");
    EXPECT_EQ(c->stackdriver_log_resource_name, "k8s_container");
    EXPECT_EQ(c->stackdriver_template_uri, "sd");
    ASSERT_EQ(c->templates.size(), 2u);
    const TemplateLogPluginConfig& t = c->templates[0];
    EXPECT_EQ(t.name, "t");
    EXPECT_EQ(t.display_name, "Tmpl");
    EXPECT_EQ(t.template_uris, std::vector<std::string>({"a", "b"}));
    EXPECT_EQ(t.dynamic_template_uris, std::vector<std::string>({"d"}));
    EXPECT_EQ(t.message_format, TaskLog::CSV);
    EXPECT_TRUE(t.show_while_pending);
    EXPECT_TRUE(t.hide_once_finished);
    const TemplateLogPluginConfig& t2 = c->templates[1];
    EXPECT_EQ(t2.display_name, "Second");
    EXPECT_EQ(t2.template_uris, std::vector<std::string>({"single"}));
    EXPECT_EQ(t2.message_format, TaskLog::UNKNOWN);
    EXPECT_FALSE(t2.show_while_pending);
    ASSERT_EQ(c->dynamic_log_links.size(), 2u);
    // Sorted by name.
    EXPECT_EQ(c->dynamic_log_links.begin()->first, "alpha");
    const TemplateLogPluginConfig& v = c->dynamic_log_links.at("vscode");
    EXPECT_EQ(v.name, "vscode");
    EXPECT_EQ(v.display_name, "VS Code");
    EXPECT_TRUE(v.template_uris.empty());
    EXPECT_EQ(v.dynamic_template_uris, std::vector<std::string>({"v1", "v2"}));
    EXPECT_EQ(v.message_format, TaskLog::JSON);
    EXPECT_TRUE(v.show_while_pending);
    EXPECT_TRUE(v.hide_once_finished);
  }
}

TEST(LogConfigTest, PartialOverrideKeepsOtherDefaults) {
  absl::StatusOr<SparkLogsConfig> c =
      Parse(R"({"mixed": {"cloudwatch-enabled": true}})", nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->mixed.cloudwatch_enabled);
  EXPECT_TRUE(c->mixed.kubernetes_enabled);
  EXPECT_EQ(c->mixed.kubernetes_template_uri, kDefaultTemplate);

  c = Parse(R"({"mixed": {"kubernetes-enabled": false}})", nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->mixed.kubernetes_enabled);

  c = Parse(R"({"mixed": {"kubernetes-template-uri": ""}})", nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->mixed.kubernetes_template_uri.empty());
}

TEST(LogConfigTest, KeysMatchCaseInsensitively) {
  absl::StatusOr<SparkLogsConfig> c = Parse(
      R"({"ALL-USER": {"Kubernetes-Enabled": true,
                       "templates": [{"DISPLAYNAME": "x"}]}})",
      nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->all_user.kubernetes_enabled);
  ASSERT_EQ(c->all_user.templates.size(), 1u);
  EXPECT_EQ(c->all_user.templates[0].display_name, "x");
}

TEST(LogConfigTest, DecodesScalarsWeaklyLikeFlyte) {
  absl::StatusOr<SparkLogsConfig> c = Parse(
      R"({"user": {"kubernetes-enabled": "true", "cloudwatch-enabled": 1,
                   "stackdriver-enabled": "F", "kubernetes-url": 8080,
                   "gcp-project": true,
                   "templates": [{"messageFormat": "json"},
                                 {"messageFormat": "2"},
                                 {"messageFormat": "Csv",
                                  "showWhilePending": "1",
                                  "hideOnceFinished": ""}]}})",
      nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->user.kubernetes_enabled);
  EXPECT_TRUE(c->user.cloudwatch_enabled);
  EXPECT_FALSE(c->user.stackdriver_enabled);
  EXPECT_EQ(c->user.kubernetes_url, "8080");
  EXPECT_EQ(c->user.gcp_project, "1");
  ASSERT_EQ(c->user.templates.size(), 3u);
  EXPECT_EQ(c->user.templates[0].message_format, TaskLog::JSON);
  EXPECT_EQ(c->user.templates[1].message_format, TaskLog::JSON);
  EXPECT_EQ(c->user.templates[2].message_format, TaskLog::CSV);
  EXPECT_TRUE(c->user.templates[2].show_while_pending);
  EXPECT_FALSE(c->user.templates[2].hide_once_finished);
}

TEST(LogConfigTest, ReportsUnknownKeysAsPaths) {
  std::vector<std::string> unknown;
  absl::StatusOr<SparkLogsConfig> c = Parse(
      R"({"extra": 1, "mixed": {"foo": true, "bar": null,
           "templates": [{"displayName": "a"}, {"linkType": "x"}],
           "dynamic-log-links": {"vscode": {"ready": true}}}})",
      &unknown);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(unknown,
            std::vector<std::string>(
                {"plugins.spark.logs.extra", "plugins.spark.logs.mixed.foo",
                 "plugins.spark.logs.mixed.bar",
                 "plugins.spark.logs.mixed.templates[1].linkType",
                 "plugins.spark.logs.mixed.dynamic-log-links.vscode.ready"}));
  // A nullptr sink is allowed.
  EXPECT_TRUE(Parse(R"({"extra": 1})", nullptr).ok());
}

struct BadCase {
  const char* json;
  const char* message;  // expected substring
};

class LogConfigErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(LogConfigErrorTest, NamesThePath) {
  absl::StatusOr<SparkLogsConfig> c = Parse(GetParam().json, nullptr);
  ASSERT_FALSE(c.ok()) << GetParam().json;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find(GetParam().message),
            absl::string_view::npos)
      << c.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LogConfigErrorTest,
    testing::Values(
        BadCase{"[]", "plugins.spark.logs: expected an object, got an array"},
        BadCase{"\"x\"",
                "plugins.spark.logs: expected an object, got a string"},
        BadCase{R"({"mixed": []})",
                "plugins.spark.logs.mixed: expected an object, got an array"},
        BadCase{R"({"user": 3})",
                "plugins.spark.logs.user: expected an object, got a number"},
        BadCase{R"({"mixed": {"kubernetes-enabled": []}})",
                "plugins.spark.logs.mixed.kubernetes-enabled: expected a "
                "boolean, got an array"},
        BadCase{R"({"mixed": {"kubernetes-enabled": "yes"}})",
                "plugins.spark.logs.mixed.kubernetes-enabled: expected a "
                "boolean"},
        BadCase{R"({"system": {"kubernetes-url": {}}})",
                "plugins.spark.logs.system.kubernetes-url: expected a string, "
                "got an object"},
        BadCase{R"({"system": {"cloudwatch-region": 1.5}})",
                "plugins.spark.logs.system.cloudwatch-region: expected a "
                "string, got a number"},
        BadCase{R"({"all-user": {"templates": {}}})",
                "plugins.spark.logs.all-user.templates: expected an array"},
        BadCase{R"({"mixed": {"templates": [{}, "x"]}})",
                "plugins.spark.logs.mixed.templates[1]: expected an object, "
                "got a string"},
        BadCase{R"({"mixed": {"templates": [{"templateUris": 5}]}})",
                "plugins.spark.logs.mixed.templates[0].templateUris: expected "
                "an array of strings, got a number"},
        BadCase{R"({"mixed": {"templates": [{"templateUris": ["a", null]}]}})",
                "plugins.spark.logs.mixed.templates[0].templateUris[1]: "
                "expected a string, got null"},
        BadCase{R"({"mixed": {"templates": [{"templateUris": ["a", []]}]}})",
                "plugins.spark.logs.mixed.templates[0].templateUris[1]: "
                "expected a string, got an array"},
        BadCase{R"({"mixed": {"templates": [{"messageFormat": "XML"}]}})",
                "plugins.spark.logs.mixed.templates[0].messageFormat: not a "
                "message format"},
        BadCase{R"({"mixed": {"templates": [{"messageFormat": 7}]}})",
                "plugins.spark.logs.mixed.templates[0].messageFormat: not a "
                "message format"},
        BadCase{R"({"mixed": {"templates": [{"messageFormat": -1}]}})",
                "plugins.spark.logs.mixed.templates[0].messageFormat: not a "
                "message format"},
        BadCase{R"({"mixed": {"templates": [{"messageFormat": true}]}})",
                "plugins.spark.logs.mixed.templates[0].messageFormat: "
                "expected a message format"},
        BadCase{R"({"mixed": {"templates": [{"scheme": "Node"}]}})",
                "plugins.spark.logs.mixed.templates[0].scheme: expected Pod "
                "or TaskExecution"},
        BadCase{R"({"mixed": {"templates": [{"showWhilePending": {}}]}})",
                "plugins.spark.logs.mixed.templates[0].showWhilePending: "
                "expected a boolean, got an object"},
        BadCase{R"({"mixed": {"templates": [{"name": []}]}})",
                "plugins.spark.logs.mixed.templates[0].name: expected a "
                "string"},
        BadCase{R"({"mixed": {"dynamic-log-links": []}})",
                "plugins.spark.logs.mixed.dynamic-log-links: expected an "
                "object"},
        BadCase{R"({"mixed": {"dynamic-log-links": {"v": 1}}})",
                "plugins.spark.logs.mixed.dynamic-log-links.v: expected an "
                "object, got a number"},
        BadCase{
            R"({"mixed": {"dynamic-log-links": {"v": {"templateUris": {}}}}})",
            "plugins.spark.logs.mixed.dynamic-log-links.v.templateUris: "
            "expected an array of strings"},
        BadCase{"{\"mixed\": {\"kubernetes-url\": \"\xFF\"}}",
                "plugins.spark.logs.mixed.kubernetes-url: string is not valid "
                "UTF-8"}));

}  // namespace
}  // namespace flyteplug::spark
