// Go's mergo semantics on JSON values, as Flyte merges pod templates and
// overlays (mergo.Merge with WithOverride and WithAppendSlice).
// Thread-compatible: no shared state.
#ifndef FLYTEPLUG_SDK_JSON_MERGE_H_
#define FLYTEPLUG_SDK_JSON_MERGE_H_

#include "flyteplug/sdk/json.h"

namespace flyteplug::sdk::json {

// mergo's notion of an empty value: null, false, 0, "", [] and {}.
bool IsEmpty(const Value& value);

// mergo.Merge(dst, src, WithOverride, WithAppendSlice): objects merge member
// by member (recursively); a non-empty array in `src` is appended to the one
// in `dst`; any other non-empty `src` value replaces `dst`'s. Empty `src`
// values never override. `allocator` owns `dst`.
void MergeOverride(Value& dst, const Value& src, Allocator& allocator);

}  // namespace flyteplug::sdk::json

#endif  // FLYTEPLUG_SDK_JSON_MERGE_H_
