#include "flyteplug/sdk/arg_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace flyteplug::sdk {
namespace {

// Returns the replacement for template variable `name` (already stripped of
// whitespace and the leading `.`/`$`), or false if it is not one we render.
// `*value` points into `context` (or a literal).
bool Lookup(absl::string_view name,
            const flyteplug::abi::flyteplug::v1::TaskContext& context,
            absl::string_view* value) {
  const flyteplug::abi::flyteplug::v1::TaskIO& io = context.io();
  struct Entry {
    const char* name;
    const std::string* value;
  };
  const Entry entries[] = {
      {"input", &io.input_path()},
      {"inputprefix", &io.input_prefix()},
      {"outputprefix", &io.output_prefix()},
      {"rawoutputdataprefix", &io.raw_output_prefix()},
      {"checkpointoutputprefix", &io.checkpoint_prefix()},
      {"perretryuniquekey", &context.metadata().generated_name()},
      {"namespace", &context.metadata().namespace_()},
  };
  for (const Entry& entry : entries) {
    if (absl::EqualsIgnoreCase(name, entry.name)) {
      *value = *entry.value;
      return true;
    }
  }
  if (absl::EqualsIgnoreCase(name, "prevcheckpointprefix")) {
    *value = io.prev_checkpoint_prefix().empty()
                 ? absl::string_view("\"\"")
                 : absl::string_view(io.prev_checkpoint_prefix());
    return true;
  }
  return false;
}

}  // namespace

std::string RenderArgTemplate(
    absl::string_view arg,
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  std::string out;
  out.reserve(arg.size());
  size_t pos = 0;
  while (pos < arg.size()) {
    size_t open = arg.find("{{", pos);
    if (open == absl::string_view::npos) break;
    size_t close = arg.find("}}", open + 2);
    if (close == absl::string_view::npos) break;
    absl::string_view inner =
        absl::StripAsciiWhitespace(arg.substr(open + 2, close - open - 2));
    absl::string_view value;
    out.append(arg.data() + pos, open - pos);
    if (!inner.empty() && (inner.front() == '.' || inner.front() == '$') &&
        Lookup(inner.substr(1), context, &value)) {
      out.append(value.data(), value.size());
    } else {
      out.append(arg.data() + open, close + 2 - open);
    }
    pos = close + 2;
  }
  out.append(arg.data() + pos, arg.size() - pos);
  return out;
}

std::vector<std::string> RenderArgTemplates(
    const google::protobuf::RepeatedPtrField<std::string>& args,
    const flyteplug::abi::flyteplug::v1::TaskContext& context) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const std::string& arg : args) {
    out.push_back(RenderArgTemplate(arg, context));
  }
  return out;
}

}  // namespace flyteplug::sdk
