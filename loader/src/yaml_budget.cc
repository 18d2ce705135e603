#include "yaml_budget.h"

#include <algorithm>
#include <cstddef>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "flyteplug/sdk/input_limits.h"
#include "yaml-cpp/eventhandler.h"
#include "yaml-cpp/yaml.h"

namespace flyteplug::loader {
namespace {

using ::flyteplug::sdk::json::kMaxBytes;
using ::flyteplug::sdk::json::kMaxDepth;
using ::flyteplug::sdk::json::kMaxYamlExpandedNodes;

// What one node amounts to once its aliases are expanded.
struct Size {
  size_t nodes = 0;
  size_t scalar_bytes = 0;
  int height = 0;  // sequences and mappings nested in it, itself included
};

// Thrown from the handler to stop yaml-cpp's (recursive) parser at once.
struct OverBudget {
  absl::Status status;
};

class BudgetHandler : public YAML::EventHandler {
 public:
  explicit BudgetHandler(absl::string_view source) : source_(source) {}

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override { anchors_.clear(); }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Leaf(mark, anchor, Size{1, 0, 0});
  }
  void OnScalar(const YAML::Mark& mark, const std::string&,
                YAML::anchor_t anchor, const std::string& value) override {
    Leaf(mark, anchor, Size{1, value.size(), 0});
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Fail(mark, "YAML alias refers to a node that contains it");
    }
    Add(mark, it->second);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&,
                       YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&,
                  YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    Open(mark, anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  struct Frame {
    YAML::anchor_t anchor;
    Size size;  // of the node so far
  };

  [[noreturn]] void Fail(const YAML::Mark& mark, absl::string_view what) {
    throw OverBudget{absl::InvalidArgumentError(absl::StrCat(
        source_, ":", mark.line + 1, ":", mark.column + 1, ": ", what))};
  }

  void CheckDepth(const YAML::Mark& mark, int height) {
    if (static_cast<int>(open_.size()) + height > kMaxDepth) {
      Fail(mark,
           absl::StrCat("YAML nested deeper than ", kMaxDepth, " levels"));
    }
  }

  // Counts `nodes` and `scalar_bytes` more in the whole document.
  void Count(const YAML::Mark& mark, size_t nodes, size_t scalar_bytes) {
    total_nodes_ += nodes;
    total_scalar_bytes_ += scalar_bytes;
    if (total_nodes_ > kMaxYamlExpandedNodes) {
      Fail(mark, absl::StrCat("YAML aliases expand to more than ",
                              kMaxYamlExpandedNodes, " nodes"));
    }
    if (total_scalar_bytes_ > kMaxBytes) {
      Fail(mark, absl::StrCat("YAML aliases expand to more than ", kMaxBytes,
                              " bytes of scalar text"));
    }
  }

  // Adds a finished node of `size` to the innermost open node.
  void AddToParent(const Size& size) {
    if (open_.empty()) return;
    Size& parent = open_.back().size;
    parent.nodes += size.nodes;
    parent.scalar_bytes += size.scalar_bytes;
    parent.height = std::max(parent.height, size.height + 1);
  }

  // A scalar, a null, or an alias repeating a node of `size`.
  void Add(const YAML::Mark& mark, const Size& size) {
    CheckDepth(mark, size.height);
    Count(mark, size.nodes, size.scalar_bytes);
    AddToParent(size);
  }

  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const Size& size) {
    Add(mark, size);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = size;
  }

  void Open(const YAML::Mark& mark, YAML::anchor_t anchor) {
    CheckDepth(mark, 1);
    Count(mark, 1, 0);
    open_.push_back(Frame{anchor, Size{1, 0, 1}});
  }

  void Close() {
    const Frame node = open_.back();
    open_.pop_back();
    if (node.anchor != YAML::NullAnchor) anchors_[node.anchor] = node.size;
    AddToParent(node.size);
  }

  absl::string_view source_;
  std::vector<Frame> open_;
  // Anchors of finished nodes; an anchor on an open node is absent, so an
  // alias to it (a cycle) is refused.
  std::unordered_map<YAML::anchor_t, Size> anchors_;
  size_t total_nodes_ = 0;
  size_t total_scalar_bytes_ = 0;
};
}  // namespace

absl::Status CheckYamlBudget(absl::string_view yaml,
                             absl::string_view source_name) {
  if (yaml.size() > kMaxBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": YAML text is ", yaml.size(),
                     " bytes, more than the limit of ", kMaxBytes, " bytes"));
  }
  std::istringstream stream{std::string(yaml)};
  BudgetHandler handler(source_name);
  try {
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(handler)) {
    }
  } catch (const OverBudget& over) {
    return over.status;
  } catch (const std::exception&) {
    // A syntax error: the caller's parse reports it.
  }
  return absl::OkStatus();
}

}  // namespace flyteplug::loader
