#!/usr/bin/env bash
# deploy/install-deps.sh: installs the Debian 12 packages safeguard builds
# and tests with, if any are missing. Idempotent; needs root (or sudo).
set -euo pipefail
packages=(
  ca-certificates openssl tzdata
  g++ cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libssl-dev libsqlcipher-dev
  grpc-proto                                        # grpc/health/v1/health.proto
  golang-github-grpc-ecosystem-grpc-gateway-dev     # google/rpc/*.proto
  libgtest-dev libgmock-dev
  clang-14 libclang-rt-14-dev                       # thread-safety analysis, libFuzzer
  libcpp-httplib-dev                                # the Connect (HTTPS) listener
  prometheus-cpp-dev                                # metrics' families and text format
  dpkg-dev file                                     # cpack: the packages' library dependencies
  nodejs npm                                        # tests/interop: the Connect client
  chromium libnss3-tools                            # console browser tests: headless Chromium,
                                                    # client certificates in an NSS database
)
missing=()
for p in "${packages[@]}"; do
  # A nodejs from elsewhere (e.g. NodeSource's) bundles npm and conflicts
  # with Debian's npm package.
  [ "$p" = npm ] && command -v npm >/dev/null && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
