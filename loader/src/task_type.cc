#include "task_type.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::loader {

std::string QuoteTaskType(absl::string_view type) {
  return absl::StrCat("'", absl::CHexEscape(type), "'");
}

absl::Status CheckTaskType(absl::string_view type) {
  for (char c : type) {
    if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "task type ", QuoteTaskType(type), " contains a control character"));
    }
  }
  return absl::OkStatus();
}

}  // namespace flyteplug::loader
