#!/bin/sh
# ABI evolution: modules built from today's schema keep working under a host
# built from a schema that gained fields, and the reverse.
#
#  1. copies proto/ and applies schema_additions.txt (extend_schema.py);
#  2. builds a second tree from that extended schema
#     (-DFLYTEPLUG_PROTO_SOURCE_DIR): loader, CLI, spark, databricks and the
#     k8s-job example module (no optimisation: only behaviour is compared);
#  3. assembles two hosts (CLI + loader + libflyteplug_proto) and two module
#     sets (current, extended) and runs every combination on every example
#     task (`build`, and `phase` for spark tasks and the Job module with the
#     resources in resources/): stdout and exit status must be byte-identical
#     to the current host running the current modules (wall-clock values
#     masked; see normalize);
#  4. runs the current modules under the extended host on the example tasks
#     with the new fields set (the modules must ignore them).
#
# usage: abi_evolution_test.sh CMAKE GENERATOR BUILD_DIR SOURCE_DIR WORK_DIR
#                              PYTHON3 [COMPILER_LAUNCHER]
set -eu
CMAKE=$1
GENERATOR=$2
OLD=$3
SRC=$4
WORK=$5
PYTHON=$6
LAUNCHER=${7:-}
HERE=$SRC/tests/abi_evolution

fail() { echo "abi_evolution: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }
mkdir -p "$WORK"
unset FLYTEPLUG_PLUGIN_PATH || true

step "extended schema"
"$PYTHON" "$HERE/extend_schema.py" "$SRC/proto" "$WORK/proto_ext.new" \
  "$HERE/schema_additions.txt"
# Keep the previous copy (and its timestamps) when nothing changed, so a
# rerun rebuilds nothing.
if diff -r -q "$WORK/proto_ext.new" "$WORK/proto_ext" > /dev/null 2>&1; then
  rm -rf "$WORK/proto_ext.new"
else
  rm -rf "$WORK/proto_ext"
  mv "$WORK/proto_ext.new" "$WORK/proto_ext"
fi
grep -q "evolution_note = 7001" "$WORK/proto_ext/flyteidl/core/tasks.proto" ||
  fail "the extended schema lacks TaskTemplate.evolution_note"

step "build the extended tree"
NEW=$WORK/build
start=$(date +%s)
set -- -S "$SRC" -B "$NEW" -G "$GENERATOR" -DCMAKE_BUILD_TYPE= \
  "-DFLYTEPLUG_PROTO_SOURCE_DIR=$WORK/proto_ext" -DFLYTEPLUG_BUILD_TESTS=ON
if [ -n "$LAUNCHER" ]; then
  set -- "$@" "-DCMAKE_C_COMPILER_LAUNCHER=$LAUNCHER" \
    "-DCMAKE_CXX_COMPILER_LAUNCHER=$LAUNCHER"
fi
"$CMAKE" "$@" > "$WORK/configure.log" 2>&1 ||
  { cat "$WORK/configure.log"; fail "configure"; }
"$CMAKE" --build "$NEW" --target flyteplug flyteplug_spark \
  flyteplug_databricks flyteplug_k8s_job_intree > "$WORK/build.log" 2>&1 ||
  { tail -50 "$WORK/build.log"; fail "build"; }
echo "extended tree configured and built in $(( $(date +%s) - start ))s"

# make_host BUILD DEST: the CLI with the loader and generated library it
# runs with (LD_LIBRARY_PATH wins over the build tree's RUNPATH). DEST has
# no lib/flyteplug/modules: only --plugin-dir modules load.
make_host() {
  rm -rf "$2"
  mkdir -p "$2/bin" "$2/lib"
  cp "$1/bin/flyteplug" "$2/bin/"
  cp -P "$1"/lib/*.so* "$2/lib/"
  LD_LIBRARY_PATH="$2/lib" ldd "$2/bin/flyteplug" |
    grep -q "libflyteplug_loader.so.* => $2/lib/" ||
    fail "$2/bin/flyteplug does not pick up the loader from $2/lib"
}
# make_modules BUILD DEST: the shipped modules and the k8s-job example.
make_modules() {
  rm -rf "$2"
  mkdir -p "$2"
  cp "$1/lib/flyteplug/modules/libflyteplug_spark.so" \
     "$1/lib/flyteplug/modules/libflyteplug_databricks.so" \
     "$1/tests/hosts/modules/libflyteplug_k8s_job.so" "$2/"
  for module in "$2"/*.so; do
    if readelf -d "$module" | grep NEEDED | grep -q libflyteplug_proto; then
      fail "$module depends on libflyteplug_proto"
    fi
  done
}
make_host "$OLD" "$WORK/host_current"
make_host "$NEW" "$WORK/host_extended"
make_modules "$OLD" "$WORK/modules_current"
make_modules "$NEW" "$WORK/modules_extended"

# The cases: one line each, "NAME<TAB>ARGS..." (no spaces inside paths).
CONFIG=$SRC/examples/config/flyteplug.json
RES=$HERE/resources
CASES=$WORK/cases.txt
: > "$CASES"
for task in "$SRC"/examples/tasks/*.json; do
  name=$(basename "$task" .json)
  printf '%s\t--config %s build --task %s\n' "build-$name" "$CONFIG" "$task" >> "$CASES"
  if grep -q '"type": *"spark"' "$task"; then
    for resource in "$RES"/spark_*.json; do
      printf '%s\t--config %s phase --task %s --resource %s\n' \
        "phase-$name-$(basename "$resource" .json)" "$CONFIG" "$task" \
        "$resource" >> "$CASES"
    done
  fi
done
JOB_TASK=$SRC/examples/third_party_job/example_task.json
printf '%s\tbuild --task %s\n' "build-k8s-job" "$JOB_TASK" >> "$CASES"
printf '%s\tphase --task %s --resource %s\n' "phase-k8s-job" "$JOB_TASK" \
  "$RES/job_failed.json" >> "$CASES"

# normalize NAME FILE: masks the two wall-clock values (PhaseInfo.occurredAt,
# the driver's FLYTE_START_TIME), which differ between any two runs. The
# databricks request and the k8s-job outputs are rendered from protobuf maps
# whose order varies from run to run (also with one build and one process
# image): their JSON is compared with sorted keys. Everything else (spark) is
# compared byte for byte.
normalize() {
  sed -E -i -e 's/("occurredAt": )"[^"]*"/\1"<clock>"/' \
    -e 's/("spark\.kubernetes\.driverEnv\.FLYTE_START_TIME": )"[0-9]+"/\1"<clock>"/' \
    "$2"
  case $1 in
    *-databricks_task* | *-k8s-job)
      "$PYTHON" -c 'import json, sys
path = sys.argv[1]
try:
    text = json.dumps(json.load(open(path)), sort_keys=True, indent=2)
except ValueError:
    sys.exit(0)
open(path, "w").write(text + "\n")' "$2" ;;
  esac
}

# run NAME HOST MODULES OUT ARGS...: normalized stdout and the exit status
# into OUT (sh has no local variables: run_* names are this function's own).
run() {
  run_name=$1 run_host=$2 run_modules=$3 run_out=$4
  shift 4
  run_status=0
  LD_LIBRARY_PATH="$run_host/lib" "$run_host/bin/flyteplug" \
    --plugin-dir "$run_modules" "$@" < /dev/null > "$run_out" \
    2> "$run_out.stderr" || run_status=$?
  normalize "$run_name" "$run_out"
  echo "exit status $run_status" >> "$run_out"
}

step "every combination of host and modules"
OUT=$WORK/out
rm -rf "$OUT"
mkdir -p "$OUT"
compared=0
failures=0
# compare NAME LABEL OUTPUT: counts one comparison of OUTPUT (and its .stderr)
# against NAME's baseline, reporting a difference under LABEL.
compare() {
  compared=$((compared + 1))
  if ! cmp -s "$OUT/$1.base" "$3"; then
    failures=$((failures + 1))
    echo "DIFFERS: $1, $2:" >&2
    diff "$OUT/$1.base" "$3" | head -20 >&2 || true
    cat "$3.stderr" >&2
  fi
}
TAB=$(printf '\t')
while IFS="$TAB" read -r name args; do
  # shellcheck disable=SC2086  # ARGS is a word list without spaces in words
  run "$name" "$WORK/host_current" "$WORK/modules_current" "$OUT/$name.base" $args
  if ! grep -q "^exit status 0$" "$OUT/$name.base" || [ "$(wc -l < "$OUT/$name.base")" -lt 2 ]; then
    cat "$OUT/$name.base.stderr" >&2
    fail "$name: the current host and modules do not succeed"
  fi
  for combo in current:extended extended:current extended:extended; do
    host=${combo%%:*}
    modules=${combo#*:}
    # shellcheck disable=SC2086
    run "$name" "$WORK/host_$host" "$WORK/modules_$modules" \
      "$OUT/$name.$host-$modules" $args
    compare "$name" "$host host with $modules modules" \
      "$OUT/$name.$host-$modules"
  done
done < "$CASES"

step "current modules, extended host, new fields set"
"$PYTHON" - "$SRC/examples/tasks" "$WORK/tasks_ext" <<'PY'
import json, pathlib, sys
source, dest = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dest.mkdir(exist_ok=True)
for path in sorted(source.glob("*.json")):
    task = json.loads(path.read_text())
    template = task.get("taskTemplate", task)
    template["evolutionNote"] = "set by a newer host"
    template["evolutionCounters"] = {"a": "3"}
    template["evolutionLevel"] = "EVOLUTION_LEVEL_HIGH"
    if "taskTemplate" in task:
        task.setdefault("metadata", {})["evolutionEpoch"] = "42"
        task["metadata"]["evolutionOrigin"] = {"project": "p", "name": "n"}
        task["evolutionTags"] = ["x", "y"]
        task["evolutionDryRun"] = True
    (dest / path.name).write_text(json.dumps(task, indent=1))
PY
while IFS="$TAB" read -r name args; do
  case $name in *k8s-job*) continue ;; esac
  # shellcheck disable=SC2086
  ext_args=$(echo $args | sed "s#$SRC/examples/tasks/#$WORK/tasks_ext/#")
  # shellcheck disable=SC2086
  run "$name" "$WORK/host_extended" "$WORK/modules_current" \
    "$OUT/$name.newfields" $ext_args
  compare "$name" "with the new fields set" "$OUT/$name.newfields"
done < "$CASES"

echo "$((compared - failures)) passed, $failures failed"
[ "$failures" -eq 0 ] || fail "$failures of $compared outputs differ"
