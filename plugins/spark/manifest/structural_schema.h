// A compiled Kubernetes "structural" OpenAPI v3 schema (the kind a CRD
// carries) that checks RapidJSON documents in one walk, with the results
// RapidJSON 1.1's SchemaValidator gives on the same schema: the same
// documents accepted, and for a rejected one the same first violation (JSON
// path and keyword), in document order.
//
// Implemented keywords: type (one name), properties, required, items (one
// schema), additionalProperties (bool or schema), anyOf, enum (strings),
// pattern (RapidJSON's own regex engine, search semantics as RapidJSON
// uses it), minimum, maximum. Annotations RapidJSON ignores are ignored
// too: description, default, format, nullable and the x-kubernetes-*
// markers the SparkApplication CRD carries. Compile() refuses every other
// keyword, so a schema can never be checked less strictly than RapidJSON
// would check it.
#ifndef FLYTEPLUG_PLUGINS_SPARK_STRUCTURAL_SCHEMA_H_
#define FLYTEPLUG_PLUGINS_SPARK_STRUCTURAL_SCHEMA_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::spark {

class StructuralSchema {
 public:
  // Compiles `schema` (an object). LIFETIME: `schema` must outlive the
  // result (names, enum values and violation nodes point into it).
  // Errors: InvalidArgumentError naming the schema location (JSON pointer)
  // of a keyword that is not implemented or a value of the wrong shape.
  static absl::StatusOr<std::unique_ptr<StructuralSchema>> Compile(
      const rapidjson::Value& schema);

  ~StructuralSchema();
  StructuralSchema(const StructuralSchema&) = delete;
  StructuralSchema& operator=(const StructuralSchema&) = delete;

  // The first violation, as RapidJSON 1.1 reports it.
  struct Violation {
    // Dotted document path of the offending value ("spec.driver.cores",
    // array elements as "[i]"; "<root>" for the document itself). For
    // "required", the object missing a member.
    std::string path;
    std::string keyword;  // "type", "required", "enum", "anyOf", ...
    // The schema object holding `keyword` (inside the compiled schema).
    const rapidjson::Value* schema_node;
    // The offending value (inside the checked document).
    const rapidjson::Value* document_node;
  };

  // nullopt when `document` is valid. Thread-safe.
  std::optional<Violation> Check(const rapidjson::Value& document) const;

 private:
  struct Node;
  class PatternPool;
  struct Failure;

  StructuralSchema();

  // Compiles `schema` (at `pointer`) into nodes_; returns its index.
  absl::StatusOr<int32_t> CompileNode(const rapidjson::Value& schema,
                                      const std::string& pointer);
  absl::Status CompileObjectKeywords(const rapidjson::Value& schema,
                                     const std::string& pointer, Node& node);
  // False on a violation, described in *failure (when not null).
  bool CheckValue(int32_t node, const rapidjson::Value& value,
                  Failure* failure) const;
  bool CheckScalar(const Node& node, const rapidjson::Value& value,
                   Failure* failure) const;
  bool CheckMembers(const Node& node, const rapidjson::Value& value,
                    Failure* failure) const;

  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<PatternPool>> patterns_;
};

}  // namespace flyteplug::spark

#endif  // FLYTEPLUG_PLUGINS_SPARK_STRUCTURAL_SCHEMA_H_
