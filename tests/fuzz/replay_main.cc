// A main for the fuzz targets outside libFuzzer (the default and asan
// builds): runs LLVMFuzzerTestOneInput once on every file named on the
// command line or found (non-recursively, in name order) in a directory
// named there. A missing path is skipped with a note (regressions/<target>/
// exists only once a target had a finding); no input at all is a failure.
// A finding aborts, as under libFuzzer. Exit status 0 when every input ran.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// The regular files `path` names: itself, or a directory's entries.
std::vector<std::string> InputsOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  if (!S_ISDIR(st.st_mode)) return {path};
  std::vector<std::string> files;
  if (DIR* dir = opendir(path.c_str())) {
    while (dirent* entry = readdir(dir)) {
      std::string file = path + "/" + entry->d_name;
      if (stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
        files.push_back(file);
      }
    }
    closedir(dir);
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  int ran = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<std::string> inputs = InputsOf(argv[i]);
    if (inputs.empty()) std::printf("replay: nothing in %s\n", argv[i]);
    for (const std::string& file : inputs) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      const std::string data = bytes.str();
      std::printf("replay: %s (%zu bytes)\n", file.c_str(), data.size());
      std::fflush(stdout);
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()),
                             data.size());
      ++ran;
    }
  }
  std::printf("replay: %d inputs\n", ran);
  return ran > 0 ? 0 : 1;
}
