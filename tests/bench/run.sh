#!/usr/bin/env bash
# Builds the benchmarks of tests/bench in their own Release build directory
# and prints one table: what | measured | ratio | goal | met?
#
#   tests/bench/run.sh               # build-bench/ beside the sources
#   BENCH_BUILD_DIR=/tmp/b BENCH_REPETITIONS=5 BENCH_JOBS=2 tests/bench/run.sh
#   tests/bench/run.sh --benchmark_filter=Spark   # extra flyteplug_bench flags
#   BENCH_SERVE_RSS_SECONDS=120 tests/bench/run.sh  # longer serve RSS row
#
# The last row, `flyteplug serve` RSS under sustained load, comes from
# serve_rss.py (BENCH_SERVE_RSS_SECONDS of load, default 30; 0 skips it;
# needs the connector tests' Python packages).
#
# Exit status: 0 when every row meets its goal, 1 otherwise, other values
# when the build or a benchmark failed. Ratios are what count: absolute
# times depend on the machine and its load.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
build="${BENCH_BUILD_DIR:-${root}/build-bench}"
repetitions="${BENCH_REPETITIONS:-3}"
jobs="${BENCH_JOBS:-2}"
serve_rss_seconds="${BENCH_SERVE_RSS_SECONDS:-30}"

configure=(-S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE=Release
           -DFLYTEPLUG_BUILD_TESTS=ON -DFLYTEPLUG_BUILD_BENCHMARKS=ON)
if command -v ninja >/dev/null 2>&1; then configure+=(-G Ninja); fi
if command -v ccache >/dev/null 2>&1; then
  configure+=(-DCMAKE_C_COMPILER_LAUNCHER=ccache
              -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake "${configure[@]}" >&2
cmake --build "${build}" --target flyteplug_bench flyteplug -j "${jobs}" >&2

out="${build}/bench.json"
"${build}/bin/flyteplug_bench" \
  --benchmark_repetitions="${repetitions}" \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="${out}" --benchmark_out_format=json "$@" >&2

# Debian's python3 (the one with python3-grpcio), as CTest uses.
python="$(command -v /usr/bin/python3 || command -v python3)"
table_args=("${out}")
serve_rss_status=0
if [[ "${serve_rss_seconds}" != 0 ]]; then
  rss_out="${build}/serve_rss.txt"
  "${python}" "${here}/serve_rss.py" --flyteplug "${build}/bin/flyteplug" \
    --seconds "${serve_rss_seconds}" >"${rss_out}" || serve_rss_status=$?
  cat "${rss_out}" >&2
  table_args+=(--serve-rss "${rss_out}")
fi
table_status=0
"${python}" "${here}/table.py" "${table_args[@]}" || table_status=$?
if [[ "${serve_rss_status}" != 0 ]]; then exit 2; fi
exit "${table_status}"
