#include "fuzz_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "flyteplug/sdk/testing/fake_host.h"

namespace flyteplug::fuzz {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz_support: %s\n", what.c_str());
  std::abort();
}

std::string ReadSourceFile(const char* relative_path) {
  std::string path = std::string(FLYTEPLUG_SOURCE_DIR) + "/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The host of every loader: a fixed clock (so identical input gives
// identical bytes), a made-up databricks token, logs kept from ERROR up and
// cleared after every call (TakeOutcome).
sdk::testing::FakeHost& Host() {
  static sdk::testing::FakeHost* const host = [] {
    auto* fake = new sdk::testing::FakeHost;
    fake->SetSecret("FLYTE_DATABRICKS_API_TOKEN", "dapi-FUZZ-0123456789abcdef");
    fake->SetLogThreshold(FLYTEPLUG_LOG_ERROR);
    return fake;
  }();
  return *host;
}

// The modules every loader opens.
constexpr const char* kModules[] = {SPARK_MODULE_SO, DATABRICKS_MODULE_SO};

// Opens a loader over the two modules; nullptr (and the message in
// `*status`) on a refusal.
flyteplug_loader* Open(absl::string_view config_json,
                       flyteplug_status* status) {
  flyteplug_loader_options options{};
  options.struct_size = sizeof(options);
  options.flags = FLYTEPLUG_LOADER_SKIP_DEFAULT_PATHS;
  options.module_paths = kModules;
  options.module_path_count = 2;
  options.config_json = Bytes(config_json);
  options.host = Host().api();
  flyteplug_loader* loader = nullptr;
  flyteplug_status_code code = flyteplug_loader_open(&options, &loader, status);
  if (code != status->code) Die("loader_open: returned code != status code");
  if (code != FLYTEPLUG_OK) {
    if (loader != nullptr) Die("loader_open: refused but returned a loader");
    if (status->message == nullptr || *status->message == '\0') {
      Die("loader_open: refusal without a message");
    }
    return nullptr;
  }
  return loader;
}

}  // namespace

flyteplug_loader* SharedLoader() {
  static flyteplug_loader* const loader = [] {
    flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
    flyteplug_loader* opened =
        Open(ReadSourceFile("examples/config/flyteplug.json"), &status);
    if (opened == nullptr) Die(std::string("cannot open: ") + status.message);
    return opened;
  }();
  return loader;
}

const LoaderClient& SharedLoaderClient() {
  static const LoaderClient* const client = [] {
    LoaderClient::Options options;
    options.module_paths.assign(std::begin(kModules), std::end(kModules));
    options.skip_default_paths = true;
    options.config_json = ReadSourceFile("examples/config/flyteplug.json");
    options.host = Host().api();
    absl::StatusOr<LoaderClient> opened = LoaderClient::Open(options);
    if (!opened.ok()) Die("cannot open: " + opened.status().ToString());
    return new LoaderClient(*std::move(opened));
  }();
  return *client;
}

bool OpenAndCloseLoader(absl::string_view config_json) {
  flyteplug_status status{sizeof(flyteplug_status), FLYTEPLUG_OK, nullptr};
  flyteplug_loader* loader = Open(config_json, &status);
  flyteplug_status_clear(&status);
  flyteplug_loader_close(loader);
  return loader != nullptr;
}

std::string ExampleContext(const char* relative_path) {
  std::string json = ReadSourceFile(relative_path);
  std::optional<std::string> context =
      Invoke([&](flyteplug_buffer* out, flyteplug_status* status) {
        return flyteplug_task_context_from_json(Bytes(json), out, status);
      });
  if (!context) Die(std::string("cannot convert ") + relative_path);
  return *context;
}

int BracketNesting(absl::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::optional<std::string> TakeOutcome(flyteplug_status_code code,
                                       flyteplug_status* status,
                                       flyteplug_buffer* out) {
  if (code != status->code) Die("returned code != status->code");
  std::optional<std::string> result;
  if (code == FLYTEPLUG_OK) {
    result.emplace(reinterpret_cast<const char*>(out->data), out->size);
  } else if (status->message == nullptr || *status->message == '\0') {
    Die("a refusal without a message");
  }
  flyteplug_buffer_release(out);
  flyteplug_status_clear(status);
  Host().ClearLogs();
  return result;
}

}  // namespace flyteplug::fuzz
