/* The floor of `flyteplug plugins` in tests/bench (row d): a program that
 * only dlopens the given modules the way the loader does
 * (RTLD_NOW | RTLD_LOCAL) and exits. Exit 1 when one fails to load. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (dlopen(argv[i], RTLD_NOW | RTLD_LOCAL) == NULL) {
      fprintf(stderr, "dlopen_only: %s\n", dlerror());
      return 1;
    }
  }
  return 0;
}
