#include "execution_name.h"

#include <cstdint>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "flyteplug/sdk/boundary/serialize.h"

namespace flyteplug::cli {
namespace {

constexpr size_t kMaxNameLength = 63;

// `*field` with every occurrence of `from` replaced by `to`.
void Replace(absl::string_view from, absl::string_view to, std::string* field) {
  if (!from.empty()) *field = absl::StrReplaceAll(*field, {{from, to}});
}

}  // namespace

absl::Status ValidateExecutionName(absl::string_view name) {
  bool valid = !name.empty() && name.size() <= kMaxNameLength &&
               absl::ascii_islower(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    valid =
        valid && (absl::ascii_islower(u) || absl::ascii_isdigit(u) || c == '-');
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--execution-name: expected 1 to ", kMaxNameLength,
      " characters, a lowercase letter first, then lowercase letters, "
      "digits and '-'"));
}

std::string FreshExecutionName() {
  std::random_device device;
  const uint64_t bits = (static_cast<uint64_t>(device()) << 32) ^ device();
  return absl::StrCat("r", absl::Hex(bits, absl::kZeroPad16));
}

std::string ChooseExecutionName(absl::string_view requested,
                                const TaskInput& input) {
  if (!requested.empty()) return std::string(requested);
  return input.bare_template ? FreshExecutionName() : std::string();
}

void RenameExecution(absl::string_view name, TaskInput* input) {
  flyteplug::v1::TaskContext& context = input->context;
  auto* metadata = context.mutable_metadata();
  auto* execution = metadata->mutable_task_execution_id()
                        ->mutable_node_execution_id()
                        ->mutable_execution_id();
  const std::string previous = execution->name();
  execution->set_name(std::string(name));
  Replace(previous, name, metadata->mutable_generated_name());
  for (auto& label : *metadata->mutable_labels()) {
    Replace(previous, name, &label.second);
  }
  auto* io = context.mutable_io();
  for (std::string* path :
       {io->mutable_input_path(), io->mutable_input_prefix(),
        io->mutable_output_prefix(), io->mutable_raw_output_prefix(),
        io->mutable_checkpoint_prefix(),
        io->mutable_prev_checkpoint_prefix()}) {
    Replace(previous, name, path);
  }
  input->serialized.clear();
  sdk::boundary::SerializeDeterministic(context, &input->serialized);
}

}  // namespace flyteplug::cli
