#include "config_lines.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "yaml-cpp/yaml.h"

namespace flyteplug::loader {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxEntries = 100000;
constexpr absl::string_view kHostPrefix = "config: ";
constexpr absl::string_view kModuleMarker = ": configuration: ";

void Record(const std::string& path, const YAML::Mark& mark, KeyLines* lines) {
  if (mark.line >= 0) lines->emplace(path, mark.line + 1);
}

void Walk(const YAML::Node& node, const std::string& path, int depth,
          KeyLines* lines) {
  if (depth > kMaxDepth || lines->size() >= kMaxEntries) return;
  if (node.IsMap()) {
    for (const auto& entry : node) {
      if (lines->size() >= kMaxEntries) return;
      if (!entry.first.IsScalar()) continue;
      const std::string child =
          path.empty() ? entry.first.Scalar()
                       : absl::StrCat(path, ".", entry.first.Scalar());
      Record(child, entry.first.Mark(), lines);
      if (!entry.second.IsNull()) Walk(entry.second, child, depth + 1, lines);
    }
  } else if (node.IsSequence()) {
    size_t index = 0;
    for (const auto& item : node) {
      if (lines->size() >= kMaxEntries) return;
      const std::string child = absl::StrCat(path, "[", index++, "]");
      Record(child, item.Mark(), lines);
      Walk(item, child, depth + 1, lines);
    }
  }
}

// The key path at the start of `text` ("<path>: ..."), or empty.
absl::string_view LeadingPath(absl::string_view text) {
  const size_t end = text.find(": ");
  return end == absl::string_view::npos ? absl::string_view()
                                        : text.substr(0, end);
}

}  // namespace

KeyLines YamlKeyLines(absl::string_view yaml) {
  KeyLines lines;
  try {
    // yaml-cpp shares aliased nodes: an alias is walked as its anchor's
    // content but keeps the anchor's marks; the depth and entry limits bound
    // the walk of a document built to expand.
    YAML::Node root = YAML::Load(std::string(yaml));
    Walk(root, "", 0, &lines);
  } catch (const std::exception&) {
    lines.clear();
  }
  return lines;
}

WarningLocator::WarningLocator(std::string source_name, KeyLines lines)
    : source_name_(std::move(source_name)), lines_(std::move(lines)) {}

int WarningLocator::LineOf(absl::string_view path) const {
  std::string candidate(path);
  while (!candidate.empty()) {
    if (auto it = lines_.find(candidate); it != lines_.end()) {
      return it->second;
    }
    const size_t cut = candidate.find_last_of(".[");
    if (cut == std::string::npos) break;
    candidate.resize(cut);
  }
  return 0;
}

std::string WarningLocator::LocateHostWarning(absl::string_view warning) const {
  if (source_name_.empty() || !absl::StartsWith(warning, kHostPrefix)) {
    return std::string(warning);
  }
  absl::string_view rest = warning.substr(kHostPrefix.size());
  const int line = LineOf(LeadingPath(rest));
  return line > 0 ? absl::StrCat(source_name_, ":", line, ": ", rest)
                  : absl::StrCat(source_name_, ": ", rest);
}

std::string WarningLocator::LocateModuleWarning(
    absl::string_view warning) const {
  const size_t marker = warning.find(kModuleMarker);
  if (source_name_.empty() || marker == absl::string_view::npos) {
    return std::string(warning);
  }
  const int line =
      LineOf(LeadingPath(warning.substr(marker + kModuleMarker.size())));
  if (line == 0) return std::string(warning);
  return absl::StrCat(source_name_, ":", line, ": ", warning);
}

}  // namespace flyteplug::loader
