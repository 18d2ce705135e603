# Sourced by examples/setup_and_run.sh and tests/setup_and_test.sh.
# Installs the Debian 12 packages flyteplug needs, if any is missing: with
# apt-get when running as root, otherwise prints the exact command to run and
# exits 1.
FLYTEPLUG_PACKAGES=(
  cmake ninja-build g++ pkg-config protobuf-compiler libprotobuf-dev
  libabsl-dev libcurl4-openssl-dev rapidjson-dev libgoogle-glog-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3 golang-go
  libyaml-cpp-dev libssl-dev libgrpc++-dev protobuf-compiler-grpc
  prometheus-cpp-dev
  python3-yaml python3-grpcio python3-grpc-tools python3-protobuf openssl
  python3-jsonschema
)

# Only for CI's extra stages (.ci/run): the `fuzz` preset's clang-14 with its
# libFuzzer and sanitizer runtimes. The `tsan` preset uses g++ (above).
FLYTEPLUG_CI_PACKAGES=(clang-14 libclang-rt-14-dev)

# flyteplug_install_missing_packages [PACKAGE...]: the named packages, or
# FLYTEPLUG_PACKAGES when none is named.
flyteplug_install_missing_packages() {
  local missing=() pkg
  local wanted=("$@")
  if [ "${#wanted[@]}" -eq 0 ]; then wanted=("${FLYTEPLUG_PACKAGES[@]}"); fi
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
        grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      "${missing[@]}"
  else
    echo "Missing Debian packages. Run this, then run this script again:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}
