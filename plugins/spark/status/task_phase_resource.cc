#include "task_phase_resource.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/utf8.h"
#include "rapidjson/encodedstream.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

namespace flyteplug::spark {
namespace {

constexpr absl::string_view kWhat = "SparkApplication";

// The objects whose members are read.
enum class Node { kUntracked, kRoot, kMetadata, kStatus, kAppState, kDriver };

// The members that are read, with their JSON paths.
enum class Field {
  kNone,
  kKind,
  kMetadata,
  kStatus,
  kName,
  kNamespace,
  kCreationTimestamp,
  kApplicationState,
  kDriverInfo,
  kSparkApplicationId,
  kTerminationTime,
  kState,
  kErrorMessage,
  kPodName,
  kWebUIIngressAddress,
};

absl::string_view PathOf(Field field) {
  switch (field) {
    case Field::kNone:
      return "(root)";
    case Field::kKind:
      return "kind";
    case Field::kMetadata:
      return "metadata";
    case Field::kStatus:
      return "status";
    case Field::kName:
      return "metadata.name";
    case Field::kNamespace:
      return "metadata.namespace";
    case Field::kCreationTimestamp:
      return "metadata.creationTimestamp";
    case Field::kApplicationState:
      return "status.applicationState";
    case Field::kDriverInfo:
      return "status.driverInfo";
    case Field::kSparkApplicationId:
      return "status.sparkApplicationId";
    case Field::kTerminationTime:
      return "status.terminationTime";
    case Field::kState:
      return "status.applicationState.state";
    case Field::kErrorMessage:
      return "status.applicationState.errorMessage";
    case Field::kPodName:
      return "status.driverInfo.podName";
    case Field::kWebUIIngressAddress:
      return "status.driverInfo.webUIIngressAddress";
  }
  return "";
}

Field FieldOf(Node node, absl::string_view key) {
  switch (node) {
    case Node::kRoot:
      if (key == "kind") return Field::kKind;
      if (key == "metadata") return Field::kMetadata;
      if (key == "status") return Field::kStatus;
      break;
    case Node::kMetadata:
      if (key == "name") return Field::kName;
      if (key == "namespace") return Field::kNamespace;
      if (key == "creationTimestamp") return Field::kCreationTimestamp;
      break;
    case Node::kStatus:
      if (key == "applicationState") return Field::kApplicationState;
      if (key == "driverInfo") return Field::kDriverInfo;
      if (key == "sparkApplicationId") return Field::kSparkApplicationId;
      if (key == "terminationTime") return Field::kTerminationTime;
      break;
    case Node::kAppState:
      if (key == "state") return Field::kState;
      if (key == "errorMessage") return Field::kErrorMessage;
      break;
    case Node::kDriver:
      if (key == "podName") return Field::kPodName;
      if (key == "webUIIngressAddress") return Field::kWebUIIngressAddress;
      break;
    case Node::kUntracked:
      break;
  }
  return Field::kNone;
}

// The object a field holds, or kUntracked for a scalar field.
Node ObjectNodeOf(Field field) {
  switch (field) {
    case Field::kMetadata:
      return Node::kMetadata;
    case Field::kStatus:
      return Node::kStatus;
    case Field::kApplicationState:
      return Node::kAppState;
    case Field::kDriverInfo:
      return Node::kDriver;
    default:
      return Node::kUntracked;
  }
}

// SAX handler that keeps only the read fields: no DOM is built. Follows Go's
// decoder: a repeated key is decoded again into the same field (the last
// scalar wins; objects merge), and null leaves a field unchanged.
class Handler
    : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  explicit Handler(ObservedSparkApplication* app) : app_(app) {
    stack_.reserve(16);
  }

  const absl::Status& error() const { return error_; }
  bool depth_exceeded() const { return depth_exceeded_; }

  bool Null() { return Root("null"); }  // null leaves a field unchanged
  bool Bool(bool) { return Scalar("a boolean"); }
  bool Int(int) { return Scalar("a number"); }
  bool Uint(unsigned) { return Scalar("a number"); }
  bool Int64(int64_t) { return Scalar("a number"); }
  bool Uint64(uint64_t) { return Scalar("a number"); }
  bool Double(double) { return Scalar("a number"); }

  bool String(const char* str, rapidjson::SizeType length, bool) {
    if (!Root("a string")) return false;
    const Field field = Current();
    if (field == Field::kNone) return true;
    const absl::string_view value(str, length);
    // Only the kept strings are checked: they go into protobuf strings.
    if (!sdk::IsValidUtf8(value)) {
      return Fail(absl::StrCat(kWhat, " ", PathOf(field),
                               ": string is not valid UTF-8"));
    }
    switch (field) {
      case Field::kKind:
        if (value != kWhat) {
          return Fail(absl::StrCat(kWhat, " kind: expected \"", kWhat,
                                   "\", got \"", value.substr(0, 64), "\""));
        }
        return true;
      case Field::kName:
        app_->name.assign(value.data(), value.size());
        return true;
      case Field::kNamespace:
        app_->namespace_name.assign(value.data(), value.size());
        return true;
      case Field::kCreationTimestamp:
        return Time(field, value, &app_->creation_unix_seconds);
      case Field::kSparkApplicationId:
        app_->spark_application_id.assign(value.data(), value.size());
        return true;
      case Field::kTerminationTime:
        return Time(field, value, &app_->termination_unix_seconds);
      case Field::kState:
        app_->state.assign(value.data(), value.size());
        return true;
      case Field::kErrorMessage:
        app_->error_message.assign(value.data(), value.size());
        return true;
      case Field::kPodName:
        app_->driver_pod_name.assign(value.data(), value.size());
        return true;
      case Field::kWebUIIngressAddress:
        app_->web_ui_ingress_address.assign(value.data(), value.size());
        return true;
      default:
        return TypeError(field, "a string");
    }
  }

  bool StartObject() {
    Node node = Node::kUntracked;
    if (stack_.empty()) {
      node = Node::kRoot;
    } else {
      const Field field = Current();
      if (field != Field::kNone) {
        node = ObjectNodeOf(field);
        if (node == Node::kUntracked) return TypeError(field, "an object");
      }
    }
    return Push(node, /*is_object=*/true);
  }

  bool Key(const char* str, rapidjson::SizeType length, bool) {
    Frame& top = stack_.back();
    top.field = top.node == Node::kUntracked
                    ? Field::kNone
                    : FieldOf(top.node, absl::string_view(str, length));
    return true;
  }

  bool EndObject(rapidjson::SizeType) {
    stack_.pop_back();
    return true;
  }

  bool StartArray() {
    if (!Root("an array")) return false;
    const Field field = Current();
    if (field != Field::kNone) return TypeError(field, "an array");
    return Push(Node::kUntracked, /*is_object=*/false);
  }

  bool EndArray(rapidjson::SizeType) {
    stack_.pop_back();
    return true;
  }

 private:
  struct Frame {
    Node node;
    bool is_object;
    Field field;  // of the last key, for objects
  };

  // The field the next value belongs to (kNone when not read).
  Field Current() const {
    const Frame& top = stack_.back();
    return top.is_object ? top.field : Field::kNone;
  }

  static absl::string_view ExpectedFor(Field field) {
    if (ObjectNodeOf(field) != Node::kUntracked) return "an object";
    if (field == Field::kCreationTimestamp ||
        field == Field::kTerminationTime) {
      return "an RFC 3339 timestamp";
    }
    return "a string";
  }

  // The document itself must be an object.
  bool Root(absl::string_view got) {
    if (!stack_.empty()) return true;
    return Fail(absl::StrCat(kWhat, " (root): expected an object, got ", got));
  }

  bool Scalar(absl::string_view got) {
    if (!Root(got)) return false;
    const Field field = Current();
    return field == Field::kNone || TypeError(field, got);
  }

  // `got` names the JSON type found where `field` was expected.
  bool TypeError(Field field, absl::string_view got) {
    return Fail(absl::StrCat(kWhat, " ", PathOf(field), ": expected ",
                             ExpectedFor(field), ", got ", got));
  }

  bool Time(Field field, absl::string_view value, int64_t* out) {
    if (value.empty()) return true;  // read as absent
    absl::StatusOr<int64_t> seconds = tasklog::ParseRfc3339ToUnixSeconds(value);
    if (!seconds.ok()) {
      return Fail(absl::StrCat(kWhat, " ", PathOf(field), ": ",
                               seconds.status().message()));
    }
    *out = *seconds;
    return true;
  }

  bool Push(Node node, bool is_object) {
    if (stack_.size() >= static_cast<size_t>(kMaxSparkApplicationJsonDepth)) {
      depth_exceeded_ = true;
      return false;
    }
    stack_.push_back(Frame{node, is_object, Field::kNone});
    return true;
  }

  bool Fail(std::string message) {
    error_ = absl::InvalidArgumentError(std::move(message));
    return false;
  }

  ObservedSparkApplication* app_;
  std::vector<Frame> stack_;
  absl::Status error_;
  bool depth_exceeded_ = false;
};

}  // namespace

absl::StatusOr<ObservedSparkApplication> ParseObservedSparkApplication(
    absl::string_view json) {
  if (json.size() > kMaxSparkApplicationJsonBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhat, ": object is ", json.size(), " bytes, more than the limit of ",
        kMaxSparkApplicationJsonBytes));
  }
  ObservedSparkApplication app;
  Handler handler(&app);
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(json.data(), json.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream>
      input(stream);
  const rapidjson::ParseResult result =
      reader.Parse<rapidjson::kParseIterativeFlag>(input, handler);
  if (!handler.error().ok()) return handler.error();
  if (handler.depth_exceeded()) {
    return absl::InvalidArgumentError(absl::StrCat(
        kWhat, ": JSON nested deeper than ", kMaxSparkApplicationJsonDepth,
        " levels at byte ", result.Offset()));
  }
  if (result.IsError()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kWhat, ": not valid JSON at byte ", result.Offset(), ": ",
                     rapidjson::GetParseError_En(result.Code())));
  }
  return app;
}

}  // namespace flyteplug::spark
