#!/bin/sh
# Builds and runs the Go host's tests and its example command.
# usage: run_go_test.sh GO SRC_DIR WORK_DIR
# The environment carries CGO_CFLAGS/CGO_LDFLAGS (headers and loader library),
# GOCACHE/GOPATH (inside the build tree), GOFLAGS=-mod=mod GOPROXY=off
# GOTOOLCHAIN=local (no network), and FLYTEPLUG_ASAN_PRELOAD (the ASan
# runtime, preloaded only into the test binaries, never into the go tool).
set -eu
GO=$1
SRC=$2
WORK=$3
mkdir -p "$WORK"
cd "$SRC"
"$GO" test -c -o "$WORK/flyteplug.test" .
"$GO" build -o "$WORK/flyteplug-go" ./cmd/flyteplug-go

run() {
  if [ -n "${FLYTEPLUG_ASAN_PRELOAD:-}" ]; then
    LD_PRELOAD="$FLYTEPLUG_ASAN_PRELOAD" "$@"
  else
    "$@"
  fi
}

run "$WORK/flyteplug.test" -test.v -test.count=1

# The example command: lists spark, databricks and the k8s-job module.
out=$(run "$WORK/flyteplug-go" -plugin-dir "$FLYTEPLUG_EXTRA_MODULE_DIR" plugins)
echo "$out"
for id in spark databricks k8s-job; do
  echo "$out" | grep -q "^$id	" || { echo "flyteplug-go plugins: $id missing" >&2; exit 1; }
done
out=$(run "$WORK/flyteplug-go" -plugin-dir "$FLYTEPLUG_EXTRA_MODULE_DIR" \
  build "$FLYTEPLUG_SOURCE_DIR/examples/third_party_job/example_task.json")
echo "$out" | grep -q '"kind":"Job"' || { echo "flyteplug-go build: no Job in: $out" >&2; exit 1; }
echo "flyteplug-go: OK"
