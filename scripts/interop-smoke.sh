#!/usr/bin/env bash
# ike-refd against a real strongSwan charon, across two network namespaces: moon runs the
# reference engine (ike-refd), sun runs charon 5.9 with kernel-libipsec (userspace ESP, so
# its Child SAs install on a kernel without ESP; charon then forces UDP encapsulation, so
# IKE floats to port 4500 after IKE_SA_INIT). Both roles are exercised: moon initiates,
# rekeys the Child SA and the IKE SA and deletes; then charon initiates, rekeys and deletes.
#
#   scripts/interop-smoke.sh [BUILD]     (root; installs strongSwan with setup.sh interop)
#
# Every namespace, process and file it creates is removed on exit, also on failure or ^C.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
refd="$build/harness/ike-refd"
[ -x "$refd" ] || { echo "interop-smoke: $refd is not built (make build)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "interop-smoke: needs root (network namespaces)" >&2; exit 2; }
"$root/scripts/setup.sh" interop >/dev/null

tag="iks$$"
moon="${tag}-moon" sun="${tag}-sun"
dir=$(mktemp -d /tmp/ikesuite-interop-XXXXXX)
cleanup() {
  for ns in "$moon" "$sun"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  if [ "${keep:-0}" = 1 ]; then echo "logs kept in $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT INT TERM

ip netns add "$moon"; ip netns add "$sun"
ip link add "v${tag}m" netns "$moon" type veth peer name "v${tag}s" netns "$sun"
ip -n "$moon" addr add 192.168.0.1/24 dev "v${tag}m"; ip -n "$sun" addr add 192.168.0.2/24 dev "v${tag}s"
# charon (kernel-libipsec) routes the tunnel through an inner address of its own subnet.
ip -n "$moon" addr add 10.1.0.1/32 dev lo; ip -n "$sun" addr add 10.2.0.1/32 dev lo
ip -n "$moon" link set lo up; ip -n "$moon" link set "v${tag}m" up
ip -n "$sun" link set lo up; ip -n "$sun" link set "v${tag}s" up

mkdir -p "$dir/run" "$dir/swanctl"
cat > "$dir/strongswan.conf" <<EOC
charon {
  load_modular = yes
  plugins {
    include /etc/strongswan.d/charon/*.conf
    kernel-libipsec { load = yes }
    vici { socket = unix://$dir/run/charon.vici }
    stroke { load = no }
    forecast { load = no }
    farp { load = no }
    dhcp { load = no }
    ha { load = no }
    eap-radius { load = no }
    tnc-tnccs { load = no }
    led { load = no }
    tpm { load = no }
    pkcs11 { load = no }
  }
  filelog {
    sun {
      path = $dir/charon.log
      flush_line = yes
      default = 1
      ike = 2
      knl = 2
    }
  }
}
include /etc/strongswan.d/*.conf
EOC
cat > "$dir/swanctl/swanctl.conf" <<'EOC'
connections {
  net-net {
    version = 2
    local_addrs = 192.168.0.2
    remote_addrs = 192.168.0.1
    local {
      auth = psk
      id = sun.strongswan.org
    }
    remote {
      auth = psk
      id = moon.strongswan.org
    }
    children {
      net-net {
        local_ts = 10.2.0.0/16
        remote_ts = 10.1.0.0/16
      }
    }
  }
}
secrets {
  ike-1 {
    id-1 = moon.strongswan.org
    id-2 = sun.strongswan.org
    secret = 0x7d9ccb8a0e8a4a7b6d3c8b1f4e2a9c5d6b7f8e9a0c1d2e3f
  }
}
EOC
# moon's side of scenarios/ikev2/psk-basic.json, with sun marked as a strongSwan host.
python3 - "$root/scenarios/ikev2/psk-basic.json" "$dir/moon.json" <<'EOP'
import json, sys
s = json.load(open(sys.argv[1]))
s.pop("$schema", None)
s.update(name="moon", modes=["netns"], timeline=[], expect=[])
s["hosts"]["sun"]["implementation"] = "strongswan"
json.dump(s, open(sys.argv[2], "w"), indent=1)
EOP

ip netns exec "$sun" unshare -m --propagation private sh -c \
  "mount --bind $dir/run /run && STRONGSWAN_CONF=$dir/strongswan.conf exec /usr/lib/ipsec/charon" \
  > "$dir/charon.out" 2>&1 &
ip netns exec "$moon" "$refd" --scenario "$dir/moon.json" --host moon --control "$dir/moon.ctl" \
  --log "$dir/moon.log" > "$dir/refd.out" 2>&1 &
swanctl() { ip netns exec "$sun" env STRONGSWAN_CONF="$dir/strongswan.conf" swanctl "$@" --uri "unix://$dir/run/charon.vici"; }
ctl() { "$refd" ctl --control "$dir/moon.ctl" "$1"; }
for _ in $(seq 100); do [ -S "$dir/run/charon.vici" ] && [ -S "$dir/moon.ctl" ] && break; sleep 0.05; done
swanctl --load-all --file "$dir/swanctl/swanctl.conf" 2>&1 | grep -q "successfully loaded 1 connections"

fail() { echo "FAIL $*"; keep=1; tail -n 20 "$dir/moon.log" "$dir/charon.log"; exit 1; }
# Polls until both sides show an established IKE SA with an installed Child SA.
both_up() {
  for _ in $(seq 60); do
    if ctl '{"cmd":"list-sas"}' | grep -q '"INSTALLED"' &&
       swanctl --list-sas 2>/dev/null | grep -q "INSTALLED"; then return 0; fi
    sleep 0.1
  done
  return 1
}
both_down() {
  for _ in $(seq 60); do
    if ctl '{"cmd":"list-sas"}' | grep -q '"sas": \[\]' &&
       ! swanctl --list-sas 2>/dev/null | grep -q "ESTABLISHED"; then return 0; fi
    sleep 0.1
  done
  return 1
}
expect_log() { grep -q "$2" "$1" || fail "no '$2' in $(basename "$1")"; }

ctl '{"cmd":"initiate","conn":"net-net"}' >/dev/null
both_up || fail "ike-refd as initiator: no Child SA"
ctl '{"cmd":"rekey","conn":"net-net","sa":"child"}' >/dev/null; sleep 0.5
ctl '{"cmd":"rekey","conn":"net-net","sa":"ike"}' >/dev/null; sleep 0.5
expect_log "$dir/moon.log" "parsed CREATE_CHILD_SA response 2 \[ SA No TSi TSr \]"
expect_log "$dir/moon.log" "parsed CREATE_CHILD_SA response 4 \[ SA No KE \]"
ctl '{"cmd":"terminate","conn":"net-net","sa":"ike"}' >/dev/null
both_down || fail "ike-refd's delete did not remove the SAs on both sides"
echo "ok   ike-refd initiates, rekeys the Child SA and the IKE SA, deletes"

swanctl --initiate --child net-net --timeout 10 >/dev/null
both_up || fail "charon as initiator: no Child SA"
swanctl --rekey --child net-net >/dev/null; sleep 0.5
swanctl --rekey --ike net-net >/dev/null; sleep 0.5
swanctl --terminate --ike net-net --timeout 10 >/dev/null
both_down || fail "charon's delete did not remove the SAs on both sides"
expect_log "$dir/moon.log" "parsed CREATE_CHILD_SA request [0-9]* \[ N(REKEY_SA) SA No TSi TSr \]"
expect_log "$dir/moon.log" "generating IKE_AUTH response 1 \[ IDr AUTH SA TSi TSr \]"
echo "ok   charon initiates, rekeys the Child SA and the IKE SA, deletes"
