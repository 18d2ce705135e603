#include "flyteplug/sdk/input_limits.h"

#include "absl/strings/str_cat.h"
#include "rapidjson/reader.h"

namespace flyteplug::sdk::json {
namespace {

// Counts open arrays and objects; stops the reader past kMaxDepth.
class DepthCounter
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, DepthCounter> {
 public:
  bool Default() { return true; }
  bool StartObject() { return Open(); }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  bool too_deep() const { return too_deep_; }

 private:
  bool Open() {
    too_deep_ = ++depth_ > kMaxDepth;
    return !too_deep_;
  }
  bool Close() {
    --depth_;
    return true;
  }

  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

absl::Status CheckLimits(absl::string_view text) {
  if (text.size() > kMaxBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON text is ", text.size(),
                     " bytes, more than the limit of ", kMaxBytes, " bytes"));
  }
  DepthCounter counter;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(text.data(), text.size());
  const rapidjson::ParseResult result =
      reader.Parse<rapidjson::kParseIterativeFlag>(stream, counter);
  if (counter.too_deep()) {
    return absl::InvalidArgumentError(
        absl::StrCat("JSON nested deeper than ", kMaxDepth,
                     " levels at offset ", result.Offset()));
  }
  return absl::OkStatus();
}

}  // namespace flyteplug::sdk::json
