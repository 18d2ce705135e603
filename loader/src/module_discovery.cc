#include "module_discovery.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace flyteplug::loader {
namespace {

// Any symbol of this shared object, for dladdr.
void Anchor() {}

absl::StatusOr<std::string> RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot resolve: ", std::strerror(errno)));
  }
  std::string result(resolved);
  ::free(resolved);
  return result;
}

class Collector {
 public:
  absl::Status AddFile(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      return absl::NotFoundError(
          absl::StrCat(path, ": ", std::strerror(errno)));
    }
    auto real = RealPath(path);
    if (!real.ok()) return real.status();
    if (!real_paths_.insert(*real).second) return absl::OkStatus();
    if (!inodes_.insert({st.st_dev, st.st_ino}).second) return absl::OkStatus();
    files_.push_back(*std::move(real));
    return absl::OkStatus();
  }

  std::vector<std::string> Take() { return std::move(files_); }

 private:
  std::vector<std::string> files_;
  std::set<std::string> real_paths_;
  std::set<std::pair<dev_t, ino_t>> inodes_;
};

absl::StatusOr<std::vector<std::string>> ListSharedObjects(
    const std::string& dir, const std::string& origin) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin, " '", dir, "': cannot read directory: ", std::strerror(errno)));
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (name.size() <= 3 || !absl::EndsWith(name, ".so")) continue;
    std::string full = absl::StrCat(dir, "/", name);
    struct stat st;
    if (::stat(full.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (std::string& name : names) name = absl::StrCat(dir, "/", name);
  return names;
}

}  // namespace

std::string ShippedModuleDirectory() {
  Dl_info info;
  if (::dladdr(reinterpret_cast<void*>(&Anchor), &info) == 0 ||
      info.dli_fname == nullptr) {
    return "";
  }
  auto real = RealPath(info.dli_fname);
  if (!real.ok()) return "";
  std::string::size_type slash = real->rfind('/');
  if (slash == std::string::npos) return "";
  return absl::StrCat(real->substr(0, slash), "/flyteplug/modules");
}

std::vector<SearchPath> SearchPaths(
    const std::vector<std::string>& explicit_paths, bool skip_default_paths) {
  std::vector<SearchPath> paths;
  if (!skip_default_paths) {
    std::string shipped = ShippedModuleDirectory();
    if (!shipped.empty()) {
      paths.push_back({shipped, "shipped module directory", false});
    }
    if (const char* env = std::getenv("FLYTEPLUG_PLUGIN_PATH")) {
      for (absl::string_view entry : absl::StrSplit(env, ':')) {
        if (entry.empty()) continue;
        paths.push_back(
            {std::string(entry), "$FLYTEPLUG_PLUGIN_PATH entry", true});
      }
    }
  }
  for (size_t i = 0; i < explicit_paths.size(); ++i) {
    paths.push_back(
        {explicit_paths[i], absl::StrCat("module_paths[", i, "]"), true});
  }
  return paths;
}

absl::StatusOr<std::vector<std::string>> DiscoverModuleFiles(
    const std::vector<SearchPath>& paths) {
  Collector collector;
  for (const SearchPath& search : paths) {
    struct stat st;
    if (search.path.empty() || ::stat(search.path.c_str(), &st) != 0) {
      if (!search.required) continue;
      return absl::NotFoundError(absl::StrCat(search.origin, " '", search.path,
                                              "': no such file or directory"));
    }
    if (S_ISDIR(st.st_mode)) {
      auto files = ListSharedObjects(search.path, search.origin);
      if (!files.ok()) return files.status();
      for (const std::string& file : *files) {
        if (absl::Status s = collector.AddFile(file); !s.ok()) {
          return absl::NotFoundError(
              absl::StrCat(search.origin, ": ", s.message()));
        }
      }
    } else if (S_ISREG(st.st_mode)) {
      if (absl::Status s = collector.AddFile(search.path); !s.ok()) {
        return absl::NotFoundError(
            absl::StrCat(search.origin, ": ", s.message()));
      }
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(search.origin, " '", search.path,
                       "': neither a regular file nor a directory"));
    }
  }
  return collector.Take();
}

}  // namespace flyteplug::loader
