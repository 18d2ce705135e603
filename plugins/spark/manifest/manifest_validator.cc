#include "manifest_validator.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "embedded_schema.h"
#include "flyteplug/sdk/json.h"
#include "flyteplug/sdk/json_writer.h"
#include "rapidjson/error/en.h"

namespace flyteplug::spark {

namespace json = ::flyteplug::sdk::json;

absl::StatusOr<std::unique_ptr<ManifestValidator>> ManifestValidator::Create(
    absl::string_view schema_json) {
  std::unique_ptr<ManifestValidator> validator(new ManifestValidator());
  validator->schema_json_.Parse(schema_json.data(), schema_json.size());
  if (validator->schema_json_.HasParseError() ||
      !validator->schema_json_.IsObject()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SparkApplication schema is not a JSON object (offset ",
        validator->schema_json_.GetErrorOffset(), ": ",
        rapidjson::GetParseError_En(validator->schema_json_.GetParseError()),
        ")"));
  }
  absl::StatusOr<std::unique_ptr<StructuralSchema>> compiled =
      StructuralSchema::Compile(validator->schema_json_);
  if (!compiled.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SparkApplication schema: ", compiled.status().message()));
  }
  validator->compiled_ = *std::move(compiled);
  return validator;
}

absl::StatusOr<std::unique_ptr<ManifestValidator>>
ManifestValidator::CreateEmbedded() {
  return Create(SparkApplicationOpenApiSchema());
}

absl::StatusOr<const ManifestValidator*> ManifestValidator::Embedded() {
  // A function-local static: C++11 makes its initialization thread-safe.
  static const absl::StatusOr<std::unique_ptr<ManifestValidator>>* const
      compiled = new absl::StatusOr<std::unique_ptr<ManifestValidator>>(
          CreateEmbedded());
  if (!compiled->ok()) return compiled->status();
  return compiled->value().get();
}

absl::Status ManifestValidator::Validate(
    const rapidjson::Value& manifest) const {
  std::optional<Violation> violation = FindViolation(manifest);
  if (!violation.has_value()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("SparkApplication rejected by the CRD schema at ",
                   violation->path, ": ", violation->detail));
}

std::optional<ManifestValidator::Violation> ManifestValidator::FindViolation(
    const rapidjson::Value& manifest) const {
  std::optional<StructuralSchema::Violation> violation =
      compiled_->Check(manifest);
  if (!violation.has_value()) return std::nullopt;
  const std::string& keyword = violation->keyword;
  std::string path = std::move(violation->path);
  const rapidjson::Value* schema_node = violation->schema_node;
  const rapidjson::Value* document_node = violation->document_node;
  std::string detail;
  if (schema_node != nullptr) {
    if (keyword == "required") {
      // Name the missing properties: RapidJSON 1.1 reports only the object.
      std::vector<std::string> missing;
      if (const rapidjson::Value* required =
              json::Find(*schema_node, "required");
          required != nullptr && required->IsArray()) {
        for (const rapidjson::Value& name : required->GetArray()) {
          if (!name.IsString()) continue;
          if (document_node == nullptr ||
              json::Find(*document_node, name.GetString()) == nullptr) {
            missing.push_back(name.GetString());
          }
        }
      }
      if (!missing.empty()) {
        std::string prefix = path == "<root>" ? "" : absl::StrCat(path, ".");
        path = absl::StrCat(prefix, missing.front());
        detail = absl::StrCat("required field is missing (required: ",
                              absl::StrJoin(missing, ", "), ")");
      }
    } else if (const rapidjson::Value* constraint =
                   json::Find(*schema_node, keyword)) {
      detail =
          absl::StrCat("violates ", keyword, " ", json::Write(*constraint));
    }
  }
  if (detail.empty()) detail = absl::StrCat("violates '", keyword, "'");
  if (document_node != nullptr && keyword != "required") {
    // Only numbers, booleans and null are echoed: strings may hold values
    // that must not reach logs (e.g. environment variables).
    bool scalar = document_node->IsNumber() || document_node->IsBool() ||
                  document_node->IsNull();
    absl::StrAppend(&detail, " (got ",
                    scalar ? json::Write(*document_node)
                           : std::string(json::TypeName(*document_node)),
                    ")");
  }
  return Violation{std::move(path), std::move(detail)};
}

}  // namespace flyteplug::spark
