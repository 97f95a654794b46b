#!/usr/bin/env bash
# Re-captures the real DHCP requests in this folder (root; namespaces only, never a real
# interface): busybox udhcpc, ISC dhclient, SeaBIOS + iPXE ROM and OVMF's own PXE client in
# QEMU, each sending its first DISCOVER to a listener in namespace ps3-cap-<pid>-srv.
#   sudo test/unit/main/net/dhcp/captures/capture.sh
# Then: UPDATE_GOLDEN=1 npx vitest run test/unit/main/net/dhcp/captures.test.ts
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
NS=ps3-cap-$$
SRV=$NS-srv
CLI=$NS-cli
TMP=$(mktemp -d /tmp/ps3-cap.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$SRV" 2>/dev/null || true
  ip netns del "$CLI" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ip netns add "$SRV"; ip netns add "$CLI"
ip -n "$SRV" link add br0 type bridge; ip -n "$SRV" link set br0 up
ip -n "$SRV" addr add 10.33.90.1/24 dev br0
ip -n "$SRV" link add p0 type veth peer name eth0 netns "$CLI"
ip -n "$SRV" link set p0 master br0 up
ip -n "$CLI" link set eth0 address 52:54:00:33:90:01 up
ip -n "$SRV" tuntap add tap0 mode tap; ip -n "$SRV" link set tap0 master br0 up

# $1 name: listen on 67 until the first DISCOVER, write it to $HERE/$1.bin
listen() {
  ip netns exec "$SRV" node -e '
    const s = require("node:dgram").createSocket({ type: "udp4", reuseAddr: true });
    s.on("message", (m) => {
      if (m[0] !== 1) return;
      require("node:fs").writeFileSync(process.argv[1], m);
      process.exit(0);
    });
    s.bind(67);
    setTimeout(() => process.exit(1), 120000);' "$HERE/$1.bin" &
  LISTENER=$!
}

capture_cmd() { # name, then the client command (run in the client namespace)
  local name=$1; shift
  listen "$name"; local l=$LISTENER; sleep 0.5
  ip netns exec "$CLI" "$@" >/dev/null 2>&1 &
  local c=$!
  wait "$l" && echo "captured $name" || echo "no packet for $name"
  kill "$c" 2>/dev/null || true; wait "$c" 2>/dev/null || true
}
capture_qemu() { # name, then QEMU arguments (run in the server namespace on tap0)
  local name=$1; shift
  listen "$name"; local l=$LISTENER; sleep 0.5
  ip netns exec "$SRV" qemu-system-x86_64 -accel tcg -m 256 -display none -monitor none \
    -serial none -netdev tap,id=n0,ifname=tap0,script=no,downscript=no "$@" &
  local q=$!
  PIDS+=("$q")
  wait "$l" && echo "captured $name" || echo "no packet for $name"
  kill "$q" 2>/dev/null || true; wait "$q" 2>/dev/null || true
}

capture_cmd udhcpc busybox udhcpc -i eth0 -f -q -n -t 2 -T 2 -s /bin/true
capture_cmd dhclient dhclient -4 -1 -d -sf /bin/true -lf "$TMP/l" -pf "$TMP/p" eth0
capture_qemu seabios-ipxe -machine pc -device virtio-net-pci,netdev=n0,mac=52:54:00:33:90:02,bootindex=1
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$TMP/vars.fd"
capture_qemu ovmf-pxe -machine q35 \
  -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
  -drive if=pflash,format=raw,unit=1,file="$TMP/vars.fd" \
  -device virtio-net-pci,netdev=n0,mac=52:54:00:33:90:03,bootindex=1,romfile=
