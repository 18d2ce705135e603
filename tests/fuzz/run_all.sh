#!/usr/bin/env bash
# Runs every libFuzzer target of the `fuzz` preset for SECONDS seconds each:
#   tests/fuzz/run_all.sh SECONDS
# (after `cmake --preset fuzz && cmake --build --preset fuzz`). Each target
# starts from a scratch copy of its seed corpus (tests/fuzz/corpus/<target>/)
# and its past findings (tests/fuzz/regressions/<target>/), so the tree is
# never modified; it gets a dictionary where one helps. Prints each target's
# executions (libFuzzer's stat::number_of_executed_units) and final coverage
# (its last `cov:` line). Exits 1 if any target found anything (crash, leak,
# timeout over 10 s, over 2048 MB): the inputs are kept under the printed
# directory; minimise one with `<binary> -minimize_crash=1 -runs=10000
# <input>` and add it to tests/fuzz/regressions/<target>/.
# Environment: FLYTEPLUG_FUZZ_BUILD_DIR (default build-fuzz),
# FLYTEPLUG_FUZZ_OUT (default a new directory under $TMPDIR),
# FLYTEPLUG_FUZZ_SEED (default 1). A fixed seed makes libFuzzer's mutation
# sequence the same on every machine, so a short CI run largely repeats the
# start of a longer local run with the same seed: run longer locally before
# pushing. Use other seeds to explore further.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [ $# -ne 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS" >&2
  exit 2
fi
seconds=$1
seed=${FLYTEPLUG_FUZZ_SEED:-1}
build_dir=${FLYTEPLUG_FUZZ_BUILD_DIR:-build-fuzz}
out=${FLYTEPLUG_FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/flyteplug-fuzz.XXXXXX")}
mkdir -p "$out"

shopt -s nullglob
targets=("$build_dir"/bin/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then
  echo "no fuzz targets in $build_dir/bin (cmake --build --preset fuzz)" >&2
  exit 2
fi

# The dictionary of a target, if any.
dictionary_of() {
  case "$1" in
    fuzz_loader_config_yaml) echo tests/fuzz/yaml.dict ;;
    fuzz_spark_task_binary | fuzz_connector_request) ;;
    *) echo tests/fuzz/json.dict ;;
  esac
}

# The asan preset's leak suppressions (a RapidJSON 1.1.0 leak inside the
# system header, once per schema document: once per spark module instance,
# so once per input in the targets that open loaders).
export LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
printf '%-28s %12s  %s\n' target executions coverage
for binary in "${targets[@]}"; do
  target=$(basename "$binary")
  work="$out/$target"
  mkdir -p "$work/corpus" "$work/artifacts"
  for seeds in "tests/fuzz/corpus/$target" "tests/fuzz/regressions/$target"; do
    if [ -d "$seeds" ]; then cp -- "$seeds"/* "$work/corpus/" 2>/dev/null || true; fi
  done
  args=(-max_total_time="$seconds" -seed="$seed" -timeout=10 -rss_limit_mb=2048
        -max_len=65536 -print_final_stats=1
        -artifact_prefix="$work/artifacts/")
  dict=$(dictionary_of "$target")
  if [ -n "$dict" ]; then args+=(-dict="$dict"); fi
  status=0
  "$binary" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
  coverage=$(grep -E '^#[0-9]+.*cov: ' "$work/log" | tail -n 1 |
             sed -E 's/.*(cov: [0-9]+ ft: [0-9]+).*/\1/')
  printf '%-28s %12s  %s\n' "$target" "${executions:-?}" "${coverage:-?}"
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "  FINDING (exit $status); log: $work/log; inputs:" \
      "$(ls "$work/artifacts" | tr '\n' ' ')"
    tail -n 40 "$work/log" | sed 's/^/  | /'
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: findings in ${failed[*]} (kept under $out)" >&2
  exit 1
fi
echo "fuzz: no findings ($seconds s per target; logs under $out)"
