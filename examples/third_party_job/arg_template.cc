#include "arg_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace k8s_job {
namespace {

// Returns true and sets `*value` if `name` is a known template variable.
bool Lookup(absl::string_view name,
            const flyteplug::abi::flyteplug::v1::TaskContext& context,
            std::string* value) {
  const flyteplug::abi::flyteplug::v1::TaskIO& io = context.io();
  struct Entry {
    absl::string_view name;
    const std::string& value;
  };
  const Entry entries[] = {
      {"input", io.input_path()},
      {"inputprefix", io.input_prefix()},
      {"outputprefix", io.output_prefix()},
      {"rawoutputdataprefix", io.raw_output_prefix()},
      {"checkpointoutputprefix", io.checkpoint_prefix()},
      {"prevcheckpointprefix", io.prev_checkpoint_prefix()},
  };
  for (const Entry& entry : entries) {
    if (absl::EqualsIgnoreCase(name, entry.name)) {
      *value = entry.value;
      if (value->empty() && entry.name == "prevcheckpointprefix") {
        *value = "\"\"";
      }
      return true;
    }
  }
  return false;
}

}  // namespace

std::string RenderArg(
    absl::string_view arg,
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  std::string out;
  out.reserve(arg.size());
  while (!arg.empty()) {
    size_t open = arg.find("{{");
    if (open == absl::string_view::npos) break;
    size_t close = arg.find("}}", open + 2);
    if (close == absl::string_view::npos) break;
    out.append(arg.data(), open);
    absl::string_view inner =
        absl::StripAsciiWhitespace(arg.substr(open + 2, close - open - 2));
    std::string value;
    if (absl::ConsumePrefix(&inner, ".") && Lookup(inner, context, &value)) {
      out += value;
    } else {
      out.append(arg.data() + open, close + 2 - open);
    }
    arg.remove_prefix(close + 2);
  }
  out.append(arg.data(), arg.size());
  return out;
}

}  // namespace k8s_job
