#!/bin/sh
# End-to-end test of the installed package, as an outsider uses it:
#  1. installs the build tree into a temporary prefix, checks the layout and
#     that nothing refers to the build or source tree, then MOVES the prefix
#     (relocatability);
#  2. builds examples/third_party_job against the moved prefix alone
#     (find_package(flyteplug), fresh build directory);
#  3. runs the installed CLI: `plugins` lists spark, databricks and k8s-job,
#     `conformance` passes the third-party module, `build` renders its task;
#     a consumer project (tests/hosts/cmake_package) checks every
#     flyteplug_*_DIR variable lies in the moved prefix and runs the
#     documented add_test(... conformance ...) recipe through ctest;
#     flyteplug_add_module(INSTALL) installs the example into a copy of the
#     prefix, whose CLI then lists it with no --plugin-dir, and `--prefix`
#     redirects it; the author's walk of docs/module-authors.md runs
#     literally (author_walk_test.sh);
#  4. builds a C++ host with find_package(flyteplug) (flyteplug::loader_client)
#     and a C host with the installed pkg-config file; the installed loader
#     finds the installed modules with no path given;
#  5. imports the installed Python package from a clean environment (it finds
#     the installed loader beside itself), runs the Python and Go host tests
#     against the installed loader with the third-party module beside the
#     shipped ones, and vets and builds the installed Go package source.
#
# usage: install_test.sh CMAKE GENERATOR BUILD_DIR SOURCE_DIR WORK_DIR
# Environment: FLYTEPLUG_PYTHON3, FLYTEPLUG_GO (optional; skipped if empty).
set -eu
CMAKE=$1
GENERATOR=$2
BUILD=$3
SRC=$4
WORK=$5

fail() { echo "install_test: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

rm -rf "$WORK"
mkdir -p "$WORK"
unset FLYTEPLUG_PLUGIN_PATH || true

step "install into $WORK/staging"
"$CMAKE" --install "$BUILD" --prefix "$WORK/staging" > "$WORK/install.log"
P=$WORK/prefix
mv "$WORK/staging" "$P"

step "layout"
for f in \
  include/flyteplug/plugin.h include/flyteplug/sdk/sdk.h \
  include/flyteplug/sdk/arg_template.h include/flyteplug/sdk/phase_info.h \
  include/flyteplug/tasklog/template.h include/flyteplug/tasklog/time_format.h \
  include/flyteplug/flytek8s/pod_spec.h include/flyteplug/flytek8s/config.h \
  include/flyteplug/sdk/boundary/status.h \
  include/flyteplug/sdk/testing/fake_host.h lib/libflyteplug_sdk_testing.a \
  include/flyteplug/sdk/json.h include/flyteplug/sdk/config_reader.h \
  lib/libflyteplug_sdk_json.a \
  include/flyteplug/loader.h \
  include/flyteidl/core/tasks.pb.h include/flyteidl/plugins/spark.pb.h \
  include/flyteplug/v1/task_context.pb.h include/flyteplug/v1/phase_info.pb.h \
  include/flyteplug/sdk/messages.h include/flyteplug/sdk/struct_json.h \
  include/flyteplug/abi/flyteplug/v1/task_context.pb.h \
  include/flyteplug/abi/google/protobuf/struct.pb.h \
  lib/libflyteplug_abi_proto.a \
  share/flyteplug/proto/flyteidl/core/tasks.proto \
  share/flyteplug/proto/flyteplug/v1/task_context.proto \
  lib/libflyteplug_proto.so lib/libflyteplug_loader.so lib/libflyteplug_sdk.a \
  lib/libflyteplug_tasklog.a lib/libflyteplug_flytek8s.a \
  lib/flyteplug/modules/libflyteplug_spark.so \
  lib/flyteplug/modules/libflyteplug_databricks.so \
  lib/cmake/flyteplug/flyteplugConfig.cmake \
  lib/cmake/flyteplug/flyteplugConfigVersion.cmake \
  lib/cmake/flyteplug/flyteplugTargets.cmake \
  lib/cmake/flyteplug/FlyteplugModule.cmake \
  lib/cmake/flyteplug/flyteplug_module.map \
  lib/pkgconfig/flyteplug-loader.pc lib/pkgconfig/flyteplug-plugin.pc \
  lib/python3/dist-packages/flyteplug/__init__.py \
  lib/python3/dist-packages/flyteplug/_install.py \
  share/flyteplug/go/flyteplug/go.mod share/flyteplug/go/flyteplug/flyteplug.go \
  share/flyteplug/go/flyteplug/cmd/flyteplug-go/main.go \
  bin/flyteplug bin/flyteplug-serve; do
  [ -e "$P/$f" ] || fail "missing $f"
done
if [ -e "$SRC/loader/include/flyteplug/loader_client.h" ]; then
  [ -e "$P/include/flyteplug/loader_client.h" ] || fail "missing loader_client.h"
fi

step "relocatable: nothing names the build, source or staging tree"
if grep -rIl -e "$BUILD" -e "$SRC" -e "$WORK/staging" "$P"; then
  fail "the text files above hard-code the build/source tree"
fi
# Binaries: debug info and __FILE__ strings (assertion messages) record
# where a source file was compiled; any other mention of the build tree (a
# search path, an RPATH...) would break a moved install.
for elf in "$P"/bin/* "$P"/lib/*.so.* "$P"/lib/*.a "$P"/lib/flyteplug/modules/*.so; do
  objcopy --strip-debug "$elf" "$WORK/stripped" || fail "objcopy $elf"
  bad=$(strings -a "$WORK/stripped" | grep -e "$BUILD" -e "$WORK/staging" \
        | grep -v -E '\.(cc|c|h|cpp|hpp|inc)$' || true)
  [ -z "$bad" ] || fail "$elf names the build tree: $bad"
  rm -f "$WORK/stripped"
done
for elf in "$P"/bin/flyteplug "$P"/bin/flyteplug-serve "$P"/lib/*.so \
           "$P"/lib/flyteplug/modules/*.so; do
  rpath=$(readelf -d "$elf" | sed -n 's/.*\(RPATH\|RUNPATH\).*\[\(.*\)\]/\2/p')
  case "$rpath" in
    ""|'$ORIGIN'*) ;;
    *) fail "$elf: RPATH/RUNPATH '$rpath' is not \$ORIGIN-relative" ;;
  esac
done

step "build examples/third_party_job against the installed prefix only"
JOB=$WORK/job
"$CMAKE" -S "$SRC/examples/third_party_job" -B "$JOB" -G "$GENERATOR" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_PREFIX_PATH="$P" > "$WORK/job-configure.log" \
  || { cat "$WORK/job-configure.log"; fail "configure"; }
"$CMAKE" --build "$JOB" > "$WORK/job-build.log" \
  || { cat "$WORK/job-build.log"; fail "build"; }
MOD=$JOB/libflyteplug_k8s_job.so
[ -f "$MOD" ] || fail "no $MOD"
# Its own tests: flyteplug_add_module_tests (module sources + fake host) and
# conformance through ${flyteplug_BIN_DIR}/flyteplug.
(cd "$JOB" && "$(dirname "$CMAKE")/ctest" --output-on-failure) \
  > "$WORK/job-ctest.log" 2>&1 \
  || { cat "$WORK/job-ctest.log"; fail "the example's own tests"; }
grep -q "100% tests passed, 0 tests failed out of 2" "$WORK/job-ctest.log" \
  || { cat "$WORK/job-ctest.log"; fail "the example's two tests did not run"; }
grep -q "^flyteplug_DIR:PATH=$P/lib/cmake/flyteplug$" "$JOB/CMakeCache.txt" \
  || fail "the example did not use the installed package: $(grep flyteplug_DIR "$JOB/CMakeCache.txt")"
exports=$(nm -D --defined-only "$MOD" | awk '{print $3}')
[ "$exports" = "flyteplug_module_entry_v1" ] || fail "exports: $exports"
# Modules carry their own messages; none depends on the host's generated code.
for so in "$MOD" "$P"/lib/flyteplug/modules/*.so; do
  if readelf -d "$so" | grep NEEDED | grep -q libflyteplug_proto; then
    fail "$so depends on libflyteplug_proto"
  fi
done
[ ! -e "$P/share/flyteplug/proto/abi_wkt" ] || fail "abi_wkt/ installed as public schema"

step "installed CLI: plugins"
out=$("$P/bin/flyteplug" --plugin-dir "$JOB" plugins)
echo "$out"
for id in spark databricks k8s-job; do
  echo "$out" | grep -q "$id" || fail "flyteplug plugins: $id missing"
done

step "installed CLI: conformance"
if "$P/bin/flyteplug" conformance --help > /dev/null 2>&1 || \
   "$P/bin/flyteplug" 2>&1 | grep -q conformance; then
  "$P/bin/flyteplug" conformance "$MOD" || fail "conformance of $MOD"
else
  echo "(the CLI has no conformance command yet)"
fi

step "package variables point inside the moved prefix; conformance from CTest"
"$CMAKE" -S "$SRC/tests/hosts/cmake_package" -B "$WORK/cmake_package" \
  -G "$GENERATOR" -DCMAKE_PREFIX_PATH="$P" -DFLYTEPLUG_EXPECTED_PREFIX="$P" \
  -DMODULE_FILE="$MOD" > "$WORK/cmake_package.log" 2>&1 \
  || { cat "$WORK/cmake_package.log"; fail "package variables"; }
grep "flyteplug_" "$WORK/cmake_package.log"
(cd "$WORK/cmake_package" && "$(dirname "$CMAKE")/ctest" --output-on-failure) \
  > "$WORK/cmake_package_ctest.log" 2>&1 \
  || { cat "$WORK/cmake_package_ctest.log"; fail "conformance via add_test"; }
grep -q "1 tests passed\|100% tests passed" "$WORK/cmake_package_ctest.log" \
  || { cat "$WORK/cmake_package_ctest.log"; fail "conformance test did not run"; }

step "installed CLI: build"
out=$("$P/bin/flyteplug" --plugin-dir "$JOB" build \
  --task "$SRC/examples/third_party_job/example_task.json")
echo "$out" | head -c 400; echo
echo "$out" | grep -q '"kind": *"Job"' || fail "flyteplug build: no Job"
echo "$out" | grep -q '"name": *"a8x2kq-n0-0"' || fail "flyteplug build: no name"

step "installed CLI: phase"
printf '%s' '{"kind":"Job","status":{"active":1}}' > "$WORK/job_running.json"
out=$("$P/bin/flyteplug" --plugin-dir "$JOB" phase \
  --task "$SRC/examples/third_party_job/example_task.json" \
  --resource "$WORK/job_running.json")
echo "$out" | grep -q '"phase": *"RUNNING"' || fail "flyteplug phase: $out"

step "flyteplug_add_module(INSTALL) into a copy of the prefix"
P2=$WORK/prefix_with_job
cp -a "$P" "$P2"
"$CMAKE" -S "$SRC/examples/third_party_job" -B "$WORK/job_installed" \
  -G "$GENERATOR" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_PREFIX_PATH="$P2" \
  > "$WORK/job_installed.log" 2>&1 \
  && "$CMAKE" --build "$WORK/job_installed" >> "$WORK/job_installed.log" 2>&1 \
  && "$CMAKE" --install "$WORK/job_installed" >> "$WORK/job_installed.log" 2>&1 \
  || { cat "$WORK/job_installed.log"; fail "install the example module"; }
INSTALLED_MOD=$P2/lib/flyteplug/modules/libflyteplug_k8s_job.so
[ -f "$INSTALLED_MOD" ] || fail "no $INSTALLED_MOD"
rpath=$(readelf -d "$INSTALLED_MOD" | sed -n 's/.*\(RPATH\|RUNPATH\).*\[\(.*\)\]/\2/p')
[ "$rpath" = '$ORIGIN/../..' ] || fail "$INSTALLED_MOD: RPATH/RUNPATH '$rpath'"
out=$("$P2/bin/flyteplug" plugins)
echo "$out" | grep -q "k8s-job" || fail "installed CLI does not list the installed k8s-job: $out"
# `flyteplug serve` execs the moved prefix's bin/flyteplug-serve.
out=$("$P2/bin/flyteplug" serve --help) || fail "installed flyteplug serve --help"
echo "$out" | grep -q "serve \[ARGS\]" || fail "flyteplug serve --help: $out"
# `--prefix` redirects the module (a relative destination), RPATH unchanged.
P3=$WORK/redirected
"$CMAKE" --install "$WORK/job_installed" --prefix "$P3" \
  >> "$WORK/job_installed.log" 2>&1 || fail "install --prefix $P3"
[ -f "$P3/lib/flyteplug/modules/libflyteplug_k8s_job.so" ] \
  || fail "cmake --install --prefix did not redirect the module: $(find "$P3" -type f)"
rm -rf "$P2" "$P3"

step "docs/module-authors.md: the author's walk, literally"
sh "$SRC/tests/hosts/author_walk_test.sh" "$SRC/docs/module-authors.md" "$P" \
  "$WORK/author_walk" || fail "the author's walk"

step "C++ host with find_package(flyteplug) and flyteplug::loader_client"
"$CMAKE" -S "$SRC/tests/hosts/cmake_host" -B "$WORK/cmake_host" -G "$GENERATOR" \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_PREFIX_PATH="$P" > "$WORK/cmake_host.log" 2>&1 \
  && "$CMAKE" --build "$WORK/cmake_host" >> "$WORK/cmake_host.log" 2>&1 \
  || { cat "$WORK/cmake_host.log"; fail "C++ host build"; }
out=$("$WORK/cmake_host/cmake_host" \
  "$SRC/examples/third_party_job/example_task.json" "$JOB")
for id in spark databricks k8s-job; do
  echo "$out" | grep -q "^$id " || fail "C++ host: $id missing"
done
echo "$out" | grep -q '"kind":"Job"' || fail "C++ host: no Job manifest"

step "C host with pkg-config; default module paths"
PKG_CONFIG_PATH=$P/lib/pkgconfig
export PKG_CONFIG_PATH
cat > "$WORK/host.c" <<'CEOF'
#include <stdio.h>
#include <string.h>
#include "flyteplug/loader.h"
int main(void) {
  flyteplug_loader_options options;
  memset(&options, 0, sizeof options);
  options.struct_size = sizeof options;
  flyteplug_status status = {sizeof status, 0, NULL};
  flyteplug_loader* loader = NULL;
  if (flyteplug_loader_open(&options, &loader, &status) != FLYTEPLUG_OK) {
    fprintf(stderr, "open: %s\n", status.message);
    flyteplug_status_clear(&status);
    return 1;
  }
  uint32_t n = flyteplug_loader_module_count(loader);
  for (uint32_t i = 0; i < n; ++i) {
    flyteplug_module_info info;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if (flyteplug_loader_module_info(loader, i, &info, &status) == FLYTEPLUG_OK)
      printf("%s %s\n", info.id, info.path);
  }
  flyteplug_loader_close(loader);
  return 0;
}
CEOF
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$WORK/host" "$WORK/host.c" \
  $(pkg-config --cflags --libs flyteplug-loader) || fail "pkg-config C host"
inc=$(pkg-config --cflags-only-I flyteplug-plugin | sed 's/^-I//; s/ *$//')
[ -f "$inc/flyteplug/plugin.h" ] || fail "flyteplug-plugin.pc: no plugin.h under '$inc'"
cc -std=c11 -Wall -Werror -o "$WORK/abi_sizes" "$SRC/tests/hosts/abi_sizes.c" \
  $(pkg-config --cflags flyteplug-loader) || fail "abi_sizes against the installed headers"
out=$("$WORK/host")
echo "$out"
echo "$out" | grep -q "^spark $P/lib/flyteplug/modules/" || fail "default paths: spark"
echo "$out" | grep -q "^databricks " || fail "default paths: databricks"

if [ -n "${FLYTEPLUG_PYTHON3:-}" ]; then
  step "installed Python package, clean environment, no FLYTEPLUG_LIBRARY"
  PYDIR=$P/lib/python3/dist-packages
  [ -f "$PYDIR/flyteplug/__init__.py" ] || fail "no installed Python package"
  out=$(cd "$WORK" && env -i PATH=/usr/bin:/bin PYTHONPATH="$PYDIR" \
    "$FLYTEPLUG_PYTHON3" -c '
import flyteplug, os, sys
lib = flyteplug.load_library()
print("package", os.path.realpath(flyteplug.__file__))
print("library", os.path.realpath(lib._name))
with flyteplug.Loader(paths=[sys.argv[1]]) as loader:
    for m in loader.modules():
        print("module", m.id, m.path)
' "$JOB") || fail "import the installed Python package: $out"
  echo "$out"
  echo "$out" | grep -q "^package $(realpath "$PYDIR")/flyteplug/__init__.py$" \
    || fail "python imported another flyteplug"
  echo "$out" | grep -q "^library $(realpath "$P/lib")/libflyteplug_loader.so" \
    || fail "python did not find the installed loader beside the package"
  for id in spark databricks k8s-job; do
    echo "$out" | grep -q "^module $id " || fail "python: module $id missing"
  done

  step "Python host tests against the installed package"
  FLYTEPLUG_ABI_SIZES=$WORK/abi_sizes \
  FLYTEPLUG_EXTRA_MODULE_DIR=$JOB FLYTEPLUG_SOURCE_DIR=$SRC \
  PYTHONPATH=$PYDIR FLYTEPLUG_LIBRARY= \
    "$FLYTEPLUG_PYTHON3" "$SRC/tests/hosts/test_flyteplug_python.py" \
    > "$WORK/python.log" 2>&1 || { cat "$WORK/python.log"; fail "python host"; }
  tail -n 3 "$WORK/python.log"
fi

if [ -n "${FLYTEPLUG_GO:-}" ]; then
  step "Go host against the installed loader (pkg-config flags)"
  GOWORK_DIR=$WORK/go
  CGO_CFLAGS=$(pkg-config --cflags flyteplug-loader) \
  CGO_LDFLAGS=$(pkg-config --libs flyteplug-loader) \
  GOCACHE=${GOCACHE:-$GOWORK_DIR/cache} GOPATH=$GOWORK_DIR/gopath \
  GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 \
  FLYTEPLUG_EXTRA_MODULE_DIR=$JOB FLYTEPLUG_SOURCE_DIR=$SRC \
  FLYTEPLUG_ABI_SIZES=$WORK/abi_sizes \
    sh "$SRC/tests/hosts/run_go_test.sh" "$FLYTEPLUG_GO" \
      "$SRC/examples/bindings/go" "$GOWORK_DIR" > "$WORK/go.log" 2>&1 \
    || { cat "$WORK/go.log"; fail "go host"; }
  tail -n 2 "$WORK/go.log"

  step "installed Go package: go vet and go build with pkg-config flags"
  GOPKG=$P/share/flyteplug/go/flyteplug
  [ -f "$GOPKG/go.mod" ] || fail "no installed Go package"
  if ls "$GOPKG"/*_test.go > /dev/null 2>&1; then fail "Go tests installed"; fi
  (cd "$GOPKG" && \
   CGO_CFLAGS=$(pkg-config --cflags flyteplug-loader) \
   CGO_LDFLAGS=$(pkg-config --libs flyteplug-loader) \
   GOCACHE=${GOCACHE:-$GOWORK_DIR/cache} GOPATH=$GOWORK_DIR/gopath \
   GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 \
   sh -c '"$1" vet ./... && "$1" build -o "$2" ./cmd/flyteplug-go' sh \
     "$FLYTEPLUG_GO" "$WORK/flyteplug-go-installed") > "$WORK/go-installed.log" 2>&1 \
    || { cat "$WORK/go-installed.log"; fail "installed Go package"; }
  out=$("$WORK/flyteplug-go-installed" -plugin-dir "$JOB" plugins)
  echo "$out" | grep -q "^k8s-job	" || fail "installed flyteplug-go: $out"
fi

echo "install_test: OK"
