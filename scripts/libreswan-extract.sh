#!/bin/sh
# Unpacks Debian's libreswan (4.x) into a folder of its own, next to strongSwan: Debian's
# libreswan package conflicts with strongSwan's, so it is extracted (apt-get download +
# dpkg-deb -x), never installed. Installs the runtime libraries pluto links against and
# prints the folder (pluto is <folder>/usr/libexec/ipsec/pluto). Running it again does
# nothing but print the folder.
#
#   IKESUITE_LIBRESWAN_DIR   the folder (default /opt/ikesuite/libreswan)
set -eu

dir=${IKESUITE_LIBRESWAN_DIR:-/opt/ikesuite/libreswan}
pluto=$dir/usr/libexec/ipsec/pluto
whack=$dir/usr/libexec/ipsec/whack
libs="libldns3 libevent-pthreads-2.1-7 libnss3-tools"

die() {
  echo "libreswan-extract: $*" >&2
  exit 1
}

if [ -x "$pluto" ] && [ -x "$whack" ] && [ -f "$dir/.ikesuite-extracted" ]; then
  echo "$dir"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs a Debian-based system"
command -v dpkg-deb >/dev/null 2>&1 || die "dpkg-deb not found"

missing=""
for p in $libs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  [ "$(id -u)" -eq 0 ] || die "runtime libraries missing ($missing ) and not root to install them"
  apt-get install -y -q $missing >&2 || {
    apt-get update -q >&2 && apt-get install -y -q $missing >&2
  } || die "cannot install the runtime libraries:$missing"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# apt-get download writes to the current folder and runs its fetcher as the _apt user,
# which needs to write there.
chmod 0777 "$tmp"
(cd "$tmp" && apt-get download -q libreswan >&2) || {
  (cd "$tmp" && apt-get update -q >&2 && apt-get download -q libreswan >&2)
} || die "cannot download the libreswan package (no apt source offers it, or no network)"

deb=$(ls "$tmp"/libreswan_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "apt-get download left no libreswan_*.deb"
version=$(dpkg-deb -f "$deb" Version)
case "$version" in
  4.*) ;;
  *) die "libreswan $version found, the driver expects 4.x" ;;
esac

mkdir -p "$dir"
dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb $dir failed"
[ -x "$pluto" ] || die "the package has no $pluto"
[ -x "$whack" ] || die "the package has no $whack"
echo "$version" > "$dir/.ikesuite-extracted"
echo "$dir"
