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
namespace {

// "/spec/driver/cores" -> "spec.driver.cores"; array indices as [i].
template <typename Pointer>
std::string DottedPath(const Pointer& pointer) {
  std::string out;
  for (size_t i = 0; i < pointer.GetTokenCount(); ++i) {
    const typename Pointer::Token& token = pointer.GetTokens()[i];
    if (token.index != rapidjson::kPointerInvalidIndex) {
      absl::StrAppend(&out, "[", token.index, "]");
    } else {
      if (!out.empty()) out.push_back('.');
      out.append(token.name, token.length);
    }
  }
  return out.empty() ? "<root>" : out;
}

}  // namespace

class ManifestValidator::Lease {
 public:
  explicit Lease(const ManifestValidator& owner) : owner_(owner) {
    {
      std::lock_guard<std::mutex> lock(owner_.idle_mu_);
      if (!owner_.idle_.empty()) {
        schema_ = std::move(owner_.idle_.back());
        owner_.idle_.pop_back();
        return;
      }
    }
    schema_ = std::make_unique<SchemaDocument>(owner_.schema_json_);
  }
  ~Lease() {
    std::lock_guard<std::mutex> lock(owner_.idle_mu_);
    owner_.idle_.push_back(std::move(schema_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  const SchemaDocument& schema() const { return *schema_; }

 private:
  const ManifestValidator& owner_;
  std::unique_ptr<SchemaDocument> schema_;
};

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
  validator->idle_.push_back(
      std::make_unique<SchemaDocument>(validator->schema_json_));
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
  Lease lease(*this);
  SchemaValidator validator(lease.schema());
  if (manifest.Accept(validator)) return std::nullopt;

  const SchemaValidator::PointerType& document_pointer =
      validator.GetInvalidDocumentPointer();
  const SchemaValidator::PointerType& schema_pointer =
      validator.GetInvalidSchemaPointer();
  std::string keyword = validator.GetInvalidSchemaKeyword();
  std::string path = DottedPath(document_pointer);
  const rapidjson::Value* schema_node = schema_pointer.Get(schema_json_);
  const rapidjson::Value* document_node = document_pointer.Get(manifest);
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
