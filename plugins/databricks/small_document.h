// A RapidJSON document for the module's small per-call JSON texts (resource
// meta, runs/get answers, run states).
#ifndef FLYTEPLUG_PLUGINS_DATABRICKS_SMALL_DOCUMENT_H_
#define FLYTEPLUG_PLUGINS_DATABRICKS_SMALL_DOCUMENT_H_

#include <cstddef>

#include "rapidjson/document.h"

namespace flyteplug::databricks {

// A rapidjson::Document whose first kInlineBytes of values live inside this
// object: a default Document takes a 64 KiB pool chunk from malloc (and
// frees it) per use, which dominated the cost of parsing a small text.
// Larger documents spill to heap chunks as usual.
// LIFETIME: values of doc() live as long as this object; not copyable or
// movable (the allocator points into it).
// THREADING: one thread at a time, like rapidjson::Document.
class SmallDocument {
 public:
  static constexpr size_t kInlineBytes = 4096;

  explicit SmallDocument(rapidjson::Type type = rapidjson::kNullType)
      : allocator_(buffer_, sizeof(buffer_)), doc_(type, &allocator_) {}
  SmallDocument(const SmallDocument&) = delete;
  SmallDocument& operator=(const SmallDocument&) = delete;

  rapidjson::Document& doc() { return doc_; }

 private:
  alignas(alignof(std::max_align_t)) char buffer_[kInlineBytes];
  rapidjson::MemoryPoolAllocator<> allocator_;
  rapidjson::Document doc_;
};

}  // namespace flyteplug::databricks

#endif  // FLYTEPLUG_PLUGINS_DATABRICKS_SMALL_DOCUMENT_H_
