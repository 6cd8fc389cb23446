#!/usr/bin/env bash
# Installs the Debian packages ikesuite needs, and only those that are missing.
# Idempotent: a second run installs nothing and says so.
#
#   scripts/setup.sh [profile...]
#
# Profiles:
#   build    compilers, CMake and the libraries the engine, harness and tests link against
#   test     what the tests use beyond the build (tshark, to check our captures dissect)
#   fuzz     clang 14 and its libFuzzer/sanitizer runtime
#   netns    iproute2, nftables, tcpdump (network-namespace runs)
#   interop  strongSwan (charon + swanctl) for interop runs, plus the netns profile
#   browser  Debian's Chromium, for the headless check of the HTML report
set -euo pipefail

declare -A PROFILE=(
  [build]="build-essential cmake ninja-build pkg-config g++ zlib1g-dev libssl-dev libpcap-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev libvalijson-dev libmnl-dev"
  [test]="tshark libxml2-utils"
  [fuzz]="clang-14 libclang-rt-14-dev llvm-14"
  [netns]="iproute2 nftables tcpdump"
  [interop]="iproute2 nftables tcpdump strongswan strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins libldns3 libevent-pthreads-2.1-7 libnss3-tools"
  [browser]="chromium fonts-dejavu-core"
)

profiles=("$@")
[ ${#profiles[@]} -gt 0 ] || profiles=(build)

wanted=()
for p in "${profiles[@]}"; do
  if [ -z "${PROFILE[$p]+x}" ]; then
    echo "setup.sh: unknown profile '$p' (known: ${!PROFILE[*]})" >&2
    exit 2
  fi
  # shellcheck disable=SC2206
  wanted+=(${PROFILE[$p]})
done

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$pkg")
done
# de-duplicate
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: everything for '${profiles[*]}' is installed"
  exit 0
fi

echo "setup.sh: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "setup.sh: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
