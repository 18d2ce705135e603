#include "cli_util.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "config_file.h"
#include "rapidjson/document.h"
#include "rapidjson/prettywriter.h"
#include "rapidjson/stringbuffer.h"

namespace flyteplug::cli {

int Fail(int exit_code, absl::string_view message) {
  std::string line = absl::StrReplaceAll(message, {{"\n", " "}, {"\r", " "}});
  std::fprintf(stderr, "flyteplug: %s\n", line.c_str());
  std::fflush(stderr);
  return exit_code;
}

absl::StatusOr<LoaderClient> OpenLoader(const GlobalOptions& options,
                                        int* exit_code) {
  LoaderClient::Options loader_options;
  loader_options.module_paths = options.plugin_dirs;
  loader_options.strict_config = options.strict_config;
  if (!options.config_path.empty()) {
    absl::StatusOr<ConfigDocument> config =
        ReadConfigDocument(options.config_path);
    if (!config.ok()) {
      *exit_code = Fail(kExitUsage,
                        absl::StrCat("--config ", config.status().message()));
      return config.status();
    }
    loader_options.config_document = std::move(config->content);
    loader_options.config_format = config->format;
    loader_options.config_source_name = options.config_path;
  }
  absl::StatusOr<LoaderClient> client = LoaderClient::Open(loader_options);
  if (!client.ok()) {
    // Configuration messages name the file themselves.
    const std::string where = "loading modules: ";
    flyteplug_status_code code = LoaderClient::AbiCode(client.status());
    int exit =
        (code == FLYTEPLUG_INVALID_ARGUMENT || code == FLYTEPLUG_NOT_FOUND)
            ? kExitUsage
            : kExitLoad;
    *exit_code = Fail(exit, absl::StrCat(where, client.status().message()));
  }
  return client;
}

int ExitCodeForCallError(const absl::Status& status) {
  flyteplug_status_code code = LoaderClient::AbiCode(status);
  if (code >= FLYTEPLUG_ABI_VERSION_MISMATCH) return kExitLoad;
  if (code == FLYTEPLUG_INVALID_ARGUMENT || code == FLYTEPLUG_NOT_FOUND ||
      code == FLYTEPLUG_FAILED_PRECONDITION) {
    return kExitUsage;
  }
  return kExitTaskFailed;
}

int ExitCodeForRemoteCallError(const absl::Status& status) {
  return LoaderClient::AbiCode(status) >= FLYTEPLUG_ABI_VERSION_MISMATCH
             ? kExitLoad
             : kExitTaskFailed;
}

std::string PrettyJson(absl::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return std::string(json);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void PrintStdout(absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace flyteplug::cli
