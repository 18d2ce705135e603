#!/usr/bin/env bash
# Set-up command 2 (README.md): installs what is missing, builds everything
# with the default preset (build/) and runs every test with CTest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source examples/setup_deps.sh
flyteplug_install_missing_packages

cmake --preset default
cmake --build --preset default
ctest --preset default
