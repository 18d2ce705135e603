#include "test_support.h"

#include <curl/curl.h>

#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "abi_json.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "flyteidl/core/tasks.pb.h"
#include "gtest/gtest.h"

namespace flyteplug::databricks::testing {
namespace {

size_t Append(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string Call(const std::string& url, const char* method,
                 absl::string_view body) {
  std::string out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return out;
  std::string payload(body);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
  if (std::strcmp(method, "POST") == 0) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
                     static_cast<long>(payload.size()));
  }
  curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  return out;
}

rapidjson::Document Parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

}  // namespace

FakeServer::FakeServer()
    : process_({PYTHON3_EXECUTABLE, "-S", FAKE_DATABRICKS_PY,
                absl::StrCat("--token=", kToken), "--max-lifetime=120"}) {}

FakeServer::~FakeServer() = default;

std::string FakeServer::base_url() const {
  return absl::StrCat("http://127.0.0.1:", process_.port());
}

std::string FakeServer::Post(absl::string_view path,
                             absl::string_view json) const {
  return Call(absl::StrCat(base_url(), path), "POST", json);
}

std::string FakeServer::Get(absl::string_view path) const {
  return Call(absl::StrCat(base_url(), path), "GET", "");
}

rapidjson::Document FakeServer::Requests() const {
  return Parse(Get("/_control/requests"));
}
rapidjson::Document FakeServer::Runs() const {
  return Parse(Get("/_control/runs"));
}
rapidjson::Document FakeServer::Stats() const {
  return Parse(Get("/_control/stats"));
}
void FakeServer::SetStates(absl::string_view states_json) const {
  Post("/_control/config", absl::StrCat("{\"states\":", states_json, "}"));
}
void FakeServer::AddFaults(absl::string_view faults_json) const {
  Post("/_control/faults", faults_json);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

flyteplug::abi::flyteplug::v1::TaskContext ContextFromTemplateJson(
    absl::string_view json) {
  flyteplug::abi::flyteplug::v1::TaskContext context;
  auto status = abi_test::LiteFromJson<flyteidl::core::TaskTemplate>(
      json, context.mutable_task_template());
  EXPECT_TRUE(status.ok()) << status.ToString();
  auto* meta = context.mutable_metadata();
  auto* te = meta->mutable_task_execution_id();
  te->mutable_task_id()->set_project("flytesnacks");
  te->mutable_task_id()->set_domain("development");
  te->mutable_task_id()->set_name("hello_spark");
  te->mutable_task_id()->set_version("v1");
  te->mutable_node_execution_id()->set_node_id("n0");
  auto* exec = te->mutable_node_execution_id()->mutable_execution_id();
  exec->set_project("flytesnacks");
  exec->set_domain("development");
  exec->set_name("f8a2b3c4d5");
  te->set_retry_attempt(0);
  meta->set_generated_name("f8a2b3c4d5-n0-0");
  meta->set_namespace_("flytesnacks-development");
  auto* io = context.mutable_io();
  io->set_input_path("s3://bucket/inputs.pb");
  io->set_output_prefix("s3://bucket/out/n0/0");
  io->set_raw_output_prefix("s3://bucket/raw");
  io->set_checkpoint_prefix("s3://bucket/ckpt/n0/0");
  return context;
}

flyteplug::abi::flyteplug::v1::TaskContext ExampleContext(
    absl::string_view instance) {
  flyteplug::abi::flyteplug::v1::TaskContext context =
      ContextFromTemplateJson(ReadFile(EXAMPLE_TASK_JSON));
  if (!instance.empty()) {
    (*context.mutable_task_template()
          ->mutable_custom()
          ->mutable_fields())["databricksInstance"]
        .set_string_value(std::string(instance));
  }
  return context;
}

namespace {

// jobs_api_fields.txt as place -> fields.
const std::map<std::string, std::set<std::string>>& JobsApiFields() {
  static const auto* fields = [] {
    auto* out = new std::map<std::string, std::set<std::string>>();
    std::istringstream lines(ReadFile(JOBS_API_FIELDS_TXT));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string place, field;
      words >> place >> field;
      (*out)[place].insert(field);
    }
    return out;
  }();
  return *fields;
}

// Appends to `errors` each member of `object` (at `path`) that is in none of
// `places`, minus `excluded`.
void CheckMembers(const rapidjson::Value& object, const std::string& path,
                  std::initializer_list<const char*> places,
                  const std::string& excluded,
                  std::vector<std::string>* errors) {
  if (!object.IsObject()) return;
  for (const auto& member : object.GetObject()) {
    const std::string name = member.name.GetString();
    bool known = false;
    for (const char* place : places) {
      const auto& list = JobsApiFields().at(place);
      known = known || list.count(name) > 0;
    }
    if (!known || name == excluded) errors->push_back(path + name);
  }
}

void CheckCluster(const rapidjson::Value& holder, const std::string& path,
                  std::vector<std::string>* errors) {
  auto it = holder.FindMember("new_cluster");
  if (it == holder.MemberEnd()) return;
  CheckMembers(it->value, path + "new_cluster.", {"new_cluster"}, "", errors);
}

}  // namespace

std::vector<std::string> JobsApiFieldErrors(const rapidjson::Value& body,
                                            bool single_task) {
  std::vector<std::string> errors;
  if (!body.IsObject()) return {"(body is not an object)"};
  if (single_task) {
    CheckMembers(body, "", {"run", "task"}, "task_key", &errors);
    CheckCluster(body, "", &errors);
  } else {
    CheckMembers(body, "", {"run"}, "", &errors);
  }
  auto tasks = body.FindMember("tasks");
  if (tasks != body.MemberEnd() && tasks->value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < tasks->value.Size(); ++i) {
      const std::string path = absl::StrCat("tasks[", i, "].");
      CheckMembers(tasks->value[i], path, {"task"}, "", &errors);
      CheckCluster(tasks->value[i], path, &errors);
    }
  }
  return errors;
}

}  // namespace flyteplug::databricks::testing
