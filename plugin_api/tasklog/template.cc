#include "flyteplug/tasklog/template.h"

#include <cstring>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace flyteplug::tasklog {
namespace {

constexpr absl::string_view kKelvin = "\xE2\x84\xAA";  // U+212A, folds to k
constexpr absl::string_view kLongS = "\xC5\xBF";       // U+017F, folds to s

// Go's \s: [\t\n\f\r ].
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// Position of the next "{{" at or after `from`, or npos.
size_t FindOpen(absl::string_view text, size_t from) {
  while (from + 1 < text.size()) {
    const void* hit =
        std::memchr(text.data() + from, '{', text.size() - from - 1);
    if (hit == nullptr) return absl::string_view::npos;
    const size_t pos = static_cast<const char*>(hit) - text.data();
    if (text[pos + 1] == '{') return pos;
    from = pos + 1;
  }
  return absl::string_view::npos;
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

// Reads one character of `text` at `pos` folded as Go's (?i) does for
// letters: returns the folded ASCII byte and sets *len, or 0 when the
// character is not ASCII and not one of the two non-ASCII folds.
char ReadFolded(absl::string_view text, size_t pos, size_t* len) {
  const char c = text[pos];
  if (static_cast<unsigned char>(c) < 0x80) {
    *len = 1;
    return AsciiLower(c);
  }
  absl::string_view rest = text.substr(pos);
  if (absl::StartsWith(rest, kKelvin)) {
    *len = kKelvin.size();
    return 'k';
  }
  if (absl::StartsWith(rest, kLongS)) {
    *len = kLongS.size();
    return 's';
  }
  *len = 1;
  return 0;
}

// Matches a folded literal (lower-case ASCII) at *pos; advances on success.
bool MatchFolded(absl::string_view text, size_t* pos,
                 absl::string_view folded) {
  size_t p = *pos;
  for (char want : folded) {
    if (p >= text.size()) return false;
    size_t len;
    if (ReadFolded(text, p, &len) != want) return false;
    p += len;
  }
  *pos = p;
  return true;
}

size_t SkipSpaces(absl::string_view text, size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  return pos;
}

// Length of the UTF-8 sequence at text[pos] as Go's decoder sees it (an
// invalid byte is one rune of length 1).
size_t RuneLength(absl::string_view text, size_t pos) {
  const unsigned char c = static_cast<unsigned char>(text[pos]);
  size_t want;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    want = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    want = 3;
  } else if (c >= 0xF0 && c <= 0xF4) {
    want = 4;
  } else {
    return 1;
  }
  if (pos + want > text.size()) return 1;
  for (size_t i = 1; i < want; ++i) {
    const unsigned char cc = static_cast<unsigned char>(text[pos + i]);
    if ((cc & 0xC0) != 0x80) return 1;
  }
  // Overlong, surrogate and out-of-range forms are invalid in Go too.
  const unsigned char c1 = static_cast<unsigned char>(text[pos + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) ||
      (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
    return 1;
  }
  return want;
}

// Matches `{{\s*.taskConfig[\.$]` at `start` (the '.' being any rune but a
// newline); returns the position after it, or npos.
size_t MatchTaskConfigPrefix(absl::string_view text, size_t start) {
  constexpr absl::string_view kTaskConfig = "taskconfig";
  if (text.substr(start, 2) != "{{") return absl::string_view::npos;
  const size_t ws_begin = start + 2;
  const size_t ws_end = SkipSpaces(text, ws_begin);
  // Candidate 1 (Go's greedy first choice): '.' is the rune after the spaces.
  // Candidate 2: '.' is the last space. At most one can be followed by
  // "taskConfig" (its 't' is not a space).
  size_t candidates[2];
  int count = 0;
  if (ws_end < text.size() && text[ws_end] != '\n') {
    candidates[count++] = ws_end + RuneLength(text, ws_end);
  }
  if (ws_end > ws_begin && text[ws_end - 1] != '\n') {
    candidates[count++] = ws_end;
  }
  for (int i = 0; i < count; ++i) {
    size_t p = candidates[i];
    if (!MatchFolded(text, &p, kTaskConfig)) continue;
    if (p >= text.size() || (text[p] != '.' && text[p] != '$')) continue;
    return p + 1;
  }
  return absl::string_view::npos;
}

// Reads [a-zA-Z_]+ under (?i) (so U+212A and U+017F count) at `pos`;
// returns its end (== pos when empty).
size_t ScanKey(absl::string_view text, size_t pos) {
  while (pos < text.size()) {
    size_t len;
    const char c = ReadFolded(text, pos, &len);
    if (c != '_' && (c < 'a' || c > 'z')) break;
    pos += len;
  }
  return pos;
}

// Matches `\s*}}` at `pos`; returns the position after it, or npos.
size_t MatchClose(absl::string_view text, size_t pos) {
  pos = SkipSpaces(text, pos);
  if (text.substr(pos, 2) != "}}") return absl::string_view::npos;
  return pos + 2;
}

// Returns the end of a match of `var` starting at `start`, or npos.
size_t MatchAt(absl::string_view text, size_t start, const TemplateVar& var) {
  size_t p;
  if (var.task_config) {
    p = MatchTaskConfigPrefix(text, start);
    if (p == absl::string_view::npos) return p;
  } else {
    if (text.substr(start, 2) != "{{") return absl::string_view::npos;
    p = SkipSpaces(text, start + 2);
    if (p >= text.size() || (text[p] != '.' && text[p] != '$')) {
      return absl::string_view::npos;
    }
    ++p;
  }
  if (!MatchFolded(text, &p, var.folded_name())) {
    return absl::string_view::npos;
  }
  return MatchClose(text, p);
}

// Replaces every match of one variable; returns false when nothing matched
// (then *out is untouched).
bool ReplaceOne(absl::string_view text, const TemplateVar& var,
                std::string* out) {
  size_t copied = 0;
  size_t pos = FindOpen(text, 0);
  bool any = false;
  std::string result;
  while (pos != absl::string_view::npos) {
    const size_t end = MatchAt(text, pos, var);
    if (end == absl::string_view::npos) {
      pos = FindOpen(text, pos + 1);
      continue;
    }
    if (!any) {
      result.reserve(text.size() + var.value.size());
      any = true;
    }
    absl::StrAppend(&result, text.substr(copied, pos - copied), var.value);
    copied = end;
    pos = FindOpen(text, end);
  }
  if (!any) return false;
  absl::StrAppend(&result, text.substr(copied));
  *out = std::move(result);
  return true;
}

// A standard variable; `folded_name` must be a folded string literal.
TemplateVar Var(const char* folded_name, std::string value) {
  return TemplateVar{folded_name, std::string(), false, std::move(value)};
}

}  // namespace

std::string FoldTemplateName(absl::string_view name) {
  std::string folded;
  folded.reserve(name.size());
  for (size_t pos = 0; pos < name.size();) {
    size_t len;
    const char c = ReadFolded(name, pos, &len);
    folded.push_back(c != 0 ? c : name[pos]);
    pos += len;
  }
  return folded;
}

TemplateVar PlainVar(absl::string_view name, std::string value) {
  return TemplateVar{nullptr, FoldTemplateName(name), false, std::move(value)};
}

TemplateVar TaskConfigVar(absl::string_view key, std::string value) {
  return TemplateVar{nullptr, FoldTemplateName(key), true, std::move(value)};
}

std::string ReplaceTemplateVars(absl::string_view tmpl,
                                absl::Span<const TemplateVar> vars) {
  std::string current(tmpl);
  // Every placeholder starts with "{{"; once none is left, no later
  // variable can match.
  bool has_placeholder = FindOpen(current, 0) != absl::string_view::npos;
  std::string next;
  for (const TemplateVar& var : vars) {
    if (!has_placeholder) break;
    if (var.value.empty()) continue;
    if (ReplaceOne(current, var, &next)) {
      current.swap(next);
      has_placeholder = FindOpen(current, 0) != absl::string_view::npos;
    }
  }
  return current;
}

std::vector<std::string> FindTaskConfigKeys(absl::string_view tmpl) {
  std::vector<std::string> keys;
  size_t pos = FindOpen(tmpl, 0);
  while (pos != absl::string_view::npos) {
    const size_t key_begin = MatchTaskConfigPrefix(tmpl, pos);
    if (key_begin != absl::string_view::npos) {
      const size_t key_end = ScanKey(tmpl, key_begin);
      if (key_end > key_begin) {
        const size_t end = MatchClose(tmpl, key_end);
        if (end != absl::string_view::npos) {
          keys.emplace_back(tmpl.substr(key_begin, key_end - key_begin));
          pos = FindOpen(tmpl, end);
          continue;
        }
      }
    }
    pos = FindOpen(tmpl, pos + 1);
  }
  return keys;
}

std::vector<TemplateVar> TemplateVarsFor(const TaskLogInput& input) {
  std::vector<TemplateVar> vars;
  vars.reserve(22);
  vars.push_back(Var("logname", input.log_name));
  // Container IDs carry a runtime prefix (docker://, cri-o://) that log
  // shippers strip; Go keeps the text between the first and second "://".
  absl::string_view container_id = input.container_id;
  if (size_t sep = container_id.find("://"); sep != absl::string_view::npos) {
    container_id.remove_prefix(sep + 3);
    container_id = container_id.substr(0, container_id.find("://"));
  }
  vars.push_back(Var("podname", input.pod_name));
  vars.push_back(Var("poduid", input.pod_uid));
  vars.push_back(Var("namespace", input.namespace_name));
  vars.push_back(Var("containername", input.container_name));
  vars.push_back(Var("containerid", std::string(container_id)));
  vars.push_back(Var("hostname", input.hostname));
  vars.push_back(Var("nodename", input.node_name));
  if (input.task_execution_id != nullptr) {
    const flyteplug::abi::flyteidl::core::TaskExecutionIdentifier& id =
        *input.task_execution_id;
    vars.push_back(Var("nodeid", input.unique_node_id));
    vars.push_back(Var("generatedname", input.generated_name));
    vars.push_back(Var("taskretryattempt", absl::StrCat(id.retry_attempt())));
    if (id.has_task_id()) {
      vars.push_back(Var("taskid", id.task_id().name()));
      vars.push_back(Var("taskversion", id.task_id().version()));
      vars.push_back(Var("taskproject", id.task_id().project()));
      vars.push_back(Var("taskdomain", id.task_id().domain()));
    }
    if (id.has_node_execution_id() &&
        id.node_execution_id().has_execution_id()) {
      const flyteplug::abi::flyteidl::core::WorkflowExecutionIdentifier& exec =
          id.node_execution_id().execution_id();
      vars.push_back(Var("executionname", exec.name()));
      vars.push_back(Var("executionproject", exec.project()));
      vars.push_back(Var("executiondomain", exec.domain()));
    }
  }
  vars.push_back(Var("podrfc3339starttime", input.pod_rfc3339_start_time));
  vars.push_back(Var("podrfc3339finishtime", input.pod_rfc3339_finish_time));
  vars.push_back(
      Var("podunixstarttime", absl::StrCat(input.pod_unix_start_time)));
  vars.push_back(
      Var("podunixfinishtime", absl::StrCat(input.pod_unix_finish_time)));
  return vars;
}

}  // namespace flyteplug::tasklog
