#!/usr/bin/env bash
# Set-up command 1 (README.md): installs what is missing, builds with the
# default preset (build/), and runs the main job on the bundled examples.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source examples/setup_deps.sh
flyteplug_install_missing_packages

cmake --preset default
cmake --build --preset default --target flyteplug flyteplug_spark flyteplug_databricks

run() {
  echo
  echo "\$ $*"
  "$@"
}
run build/bin/flyteplug plugins
run build/bin/flyteplug build --task examples/tasks/pyspark_task.json \
  --config examples/config/flyteplug.json
run build/bin/flyteplug build --task examples/tasks/databricks_task.json \
  --config examples/config/flyteplug.json
