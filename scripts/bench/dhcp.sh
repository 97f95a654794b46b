#!/usr/bin/env bash
# DHCP benchmark: kea's perfdhcp against PrepStation (full mode) and dnsmasq, one after the
# other in the same namespace setup, printed side by side with the ratio. Not a test.
#
#   sudo scripts/bench/dhcp.sh [RATE] [SECONDS] [CLIENTS]     (defaults 3000 10 800)
#
# Everything runs inside two network namespaces this script creates and removes
# (ps3-bench-<pid>-srv, ps3-bench-<pid>-cli, joined by a veth pair); nothing touches a real
# interface. perfdhcp acts as a relay (giaddr), so replies come back unicast to port 67.
# Needs: root, iproute2, kea-admin (perfdhcp), dnsmasq-base, a built station (npm run build).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-3000}
SECS=${2:-10}
CLIENTS=${3:-800}
NS=ps3-bench-$$
SRV=$NS-srv
CLI=$NS-cli
TMP=$(mktemp -d /tmp/ps3-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  ip netns del "$SRV" 2>/dev/null || true
  ip netns del "$CLI" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

for cmd in perfdhcp dnsmasq ip; do
  command -v "$cmd" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$cmd" >/dev/null || { echo "bench: $cmd is missing" >&2; exit 2; }
done
[ -f dist/main/cli.js ] || { echo "bench: run npm run build first" >&2; exit 2; }

ip netns add "$SRV"
ip netns add "$CLI"
ip -n "$SRV" link set lo up
ip -n "$CLI" link set lo up
ip -n "$SRV" link add bench0 type veth peer name eth0 netns "$CLI"
ip -n "$SRV" addr add 10.33.60.1/22 dev bench0
ip -n "$CLI" addr add 10.33.60.2/22 dev eth0
ip -n "$SRV" link set bench0 up
ip -n "$CLI" link set eth0 up
FIRST=10.33.60.10
LAST=10.33.63.250

# perfdhcp prints "rate: N" per exchange type and "avg delay" lines; keep the DORA ones.
run_perfdhcp() {
  ip netns exec "$CLI" perfdhcp -4 -l 10.33.60.2 -r "$RATE" -R "$CLIENTS" -p "$SECS" -d 2 10.33.60.1 2>&1 || true
}

# $1 name, $2 perfdhcp output -> "rate delay drops"
summarize() {
  awk -v name="$1" '
    /^\*\*\*Rate statistics\*\*\*/ { rs = 1 }
    /sent packets:/ { sent[++s] = $3 }
    /received packets:/ { recv[++r] = $3 }
    /drops:/ && !d2 { drops[++d] = $2; }
    /avg delay:/ { delay[++ad] = $3 }
    /Rate:/ { rate = $2 }
    END {
      printf "%s %s %s %s %s %s\n", name, rate, delay[2] ? delay[2] : delay[1], sent[1], recv[2] ? recv[2] : recv[1], drops[1] + drops[2]
    }' <<<"$2"
}

echo "bench: dnsmasq (DHCP only, no ping, lease file in $TMP)"
ip netns exec "$SRV" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=bench0 \
  --bind-interfaces --dhcp-range=$FIRST,$LAST,1h --dhcp-authoritative --no-ping \
  --dhcp-leasefile="$TMP/dnsmasq.leases" --pid-file="$TMP/dnsmasq.pid" --user=root --group=root \
  >"$TMP/dnsmasq.log" 2>&1 &
PIDS+=($!)
sleep 1
DNSMASQ_OUT=$(run_perfdhcp)
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

echo "bench: PrepStation (full mode, log level warn)"
ip netns exec "$SRV" node bin/prepstation.js serve --data-dir "$TMP/station" --dhcp-mode full \
  --bench-address 10.33.60.1 --bench-interface bench0 --dhcp-range "$FIRST-$LAST" --dhcp-override \
  --no-tftp --http-port 8080 --ui-port 7780 --log-level warn >"$TMP/station.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do grep -q 'Bench listener' "$TMP/station.log" && break; sleep 0.2; done
STATION_OUT=$(run_perfdhcp)

echo "$DNSMASQ_OUT" >"$TMP/perfdhcp-dnsmasq.txt"
echo "$STATION_OUT" >"$TMP/perfdhcp-station.txt"
if [ -n "${BENCH_RAW:-}" ]; then echo "$DNSMASQ_OUT"; echo "$STATION_OUT"; fi

read -r _ D_RATE D_DELAY D_SENT D_RECV D_DROPS <<<"$(summarize dnsmasq "$DNSMASQ_OUT")"
read -r _ S_RATE S_DELAY S_SENT S_RECV S_DROPS <<<"$(summarize station "$STATION_OUT")"
printf '\nperfdhcp -r %s -R %s -p %s (DORA exchanges, relay mode, namespaces)\n' "$RATE" "$CLIENTS" "$SECS"
printf '%-12s %14s %14s %10s %10s %8s\n' server 'exchanges/s' 'avg delay ms' sent received drops
printf '%-12s %14s %14s %10s %10s %8s\n' dnsmasq "$D_RATE" "$D_DELAY" "$D_SENT" "$D_RECV" "$D_DROPS"
printf '%-12s %14s %14s %10s %10s %8s\n' prepstation "$S_RATE" "$S_DELAY" "$S_SENT" "$S_RECV" "$S_DROPS"
awk -v s="$S_RATE" -v d="$D_RATE" -v sl="$S_DELAY" -v dl="$D_DELAY" 'BEGIN {
  if (d > 0) printf "ratio (prepstation / dnsmasq): throughput %.2fx", s / d
  if (sl > 0) printf ", latency %.2fx (lower is better)", sl / dl
  print ""
}'
