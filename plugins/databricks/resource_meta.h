// The resource meta the module hands to the host after a submit: what get
// and delete need to find the run again after a host restart. No secrets.
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_RESOURCE_META_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_RESOURCE_META_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"

namespace flyteplug::databricks {

struct ResourceMeta {
  std::string instance;  // normalized base URL, e.g. https://host
  uint64_t run_id = 0;
};

// {"instance":"https://host","run_id":"9007199254740993"}: the run id as a
// decimal string so that no JSON reader can round it through a double.
std::string EncodeResourceMeta(const ResourceMeta& meta);

// Accepts what EncodeResourceMeta writes, and run_id as a JSON integer too
// (read as an exact 64-bit value, never a double). The instance is validated
// again (http:// only for loopback). INVALID_ARGUMENT naming the field.
absl::StatusOr<ResourceMeta> DecodeResourceMeta(absl::string_view json);

// Reads a Databricks run id: a non-negative 64-bit JSON integer (exact:
// RapidJSON's Uint64, never a double) or a decimal string. False for anything
// else, fractional and out-of-range numbers included.
bool ReadId(const rapidjson::Value& value, uint64_t* id);

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_RESOURCE_META_H_
