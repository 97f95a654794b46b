#!/usr/bin/env bash
# DHCP benchmark: kea's perfdhcp against PrepStation (full mode) and dnsmasq, one after the
# other in the same namespace setup, printed side by side with the ratio. Not a test.
#
#   sudo scripts/bench/dhcp.sh [RATE] [SECONDS] [CLIENTS]     (defaults 1000 10 800)
#
# Everything runs inside three network namespaces this script creates and removes
# (ps3-bench-<pid>-dns, -srv, -cli, joined by veth pairs); nothing touches a real interface.
# perfdhcp acts as a relay (giaddr), so replies come back unicast to port 67.
# ROUNDS=N (default 2) ABBA rounds; BENCH_RAW=1 prints perfdhcp's own reports.
# PS4_BENCH_BASE=DIR adds the station of another built checkout as a third server (its own
# namespace, -old), in the same rounds (A B C C B A), and prints prepstation/base.
# Needs: root, iproute2, kea-admin (perfdhcp), dnsmasq-base, a built station (npm run build).
# STATION_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the station's side.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${1:-1000}
SECS=${2:-10}
CLIENTS=${3:-800}
NS=ps3-bench-$$
DNS=$NS-dns
SRV=$NS-srv
CLI=$NS-cli
OLD=$NS-old
BASE=${PS4_BENCH_BASE:-}
TMP=$(mktemp -d /tmp/ps3-bench.XXXXXX)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for ns in "$DNS" "$SRV" "$CLI" "$OLD"; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

for cmd in perfdhcp dnsmasq ip; do
  command -v "$cmd" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$cmd" >/dev/null || { echo "bench: $cmd is missing" >&2; exit 2; }
done
[ -f dist/main/cli.js ] || { echo "bench: run npm run build first" >&2; exit 2; }
if [ -n "$BASE" ]; then
  BASE=$(cd "$BASE" && pwd)
  [ -f "$BASE/dist/main/cli.js" ] || { echo "bench: $BASE has no dist/: npm ci && npm run build there" >&2; exit 2; }
fi

ip netns add "$DNS"
ip netns add "$SRV"
ip netns add "$CLI"
for ns in "$DNS" "$SRV" "$CLI"; do ip -n "$ns" link set lo up; done
# Two servers side by side, each on its own link to the client namespace, both running for
# the whole benchmark; perfdhcp alternates between them (ABBA) so load drift cancels out.
ip -n "$DNS" link add bench0 type veth peer name eth0 netns "$CLI"
ip -n "$SRV" link add bench0 type veth peer name eth1 netns "$CLI"
ip -n "$DNS" addr add 10.33.60.1/22 dev bench0
ip -n "$SRV" addr add 10.33.64.1/22 dev bench0
ip -n "$CLI" addr add 10.33.60.2/22 dev eth0
ip -n "$CLI" addr add 10.33.64.2/22 dev eth1
for ns in "$DNS" "$SRV"; do ip -n "$ns" link set bench0 up; done
ip -n "$CLI" link set eth0 up
ip -n "$CLI" link set eth1 up
if [ -n "$BASE" ]; then
  ip netns add "$OLD"
  ip -n "$OLD" link set lo up
  ip -n "$OLD" link add bench0 type veth peer name eth2 netns "$CLI"
  ip -n "$OLD" addr add 10.33.68.1/22 dev bench0
  ip -n "$CLI" addr add 10.33.68.2/22 dev eth2
  ip -n "$OLD" link set bench0 up
  ip -n "$CLI" link set eth2 up
fi

echo "bench: dnsmasq (DHCP only, no ping, lease file) and PrepStation (full mode, log level warn)"
ip netns exec "$DNS" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=bench0 \
  --bind-interfaces --dhcp-range=10.33.60.10,10.33.63.250,1h --dhcp-authoritative --no-ping \
  --dhcp-leasefile="$TMP/dnsmasq.leases" --pid-file="$TMP/dnsmasq.pid" --user=root --group=root \
  >"$TMP/dnsmasq.log" 2>&1 &
PIDS+=($!)
ip netns exec "$SRV" node ${STATION_NODE_ARGS:-} bin/prepstation.js serve --data-dir "$TMP/station" \
  --dhcp-mode full --bench-address 10.33.64.1 --bench-interface bench0 \
  --dhcp-range 10.33.64.10-10.33.67.250 --dhcp-override --no-tftp --http-port 8080 --ui-port 7780 \
  --log-level warn >"$TMP/station.log" 2>&1 &
PIDS+=($!)
if [ -n "$BASE" ]; then
  echo "bench: base station from $BASE"
  ip netns exec "$OLD" node ${STATION_NODE_ARGS:-} "$BASE/bin/prepstation.js" serve --data-dir "$TMP/base" \
    --dhcp-mode full --bench-address 10.33.68.1 --bench-interface bench0 \
    --dhcp-range 10.33.68.10-10.33.71.250 --dhcp-override --no-tftp --http-port 8080 --ui-port 7780 \
    --log-level warn >"$TMP/base.log" 2>&1 &
  PIDS+=($!)
fi
for log in station ${BASE:+base}; do
  for _ in $(seq 300); do grep -q 'Bench listener' "$TMP/$log.log" && break; sleep 0.2; done
  grep -q 'Bench listener' "$TMP/$log.log" || { cat "$TMP/$log.log"; exit 1; }
done

# $1 local address, $2 server -> perfdhcp output (relay mode: replies come to $1:67)
run_perfdhcp() {
  ip netns exec "$CLI" perfdhcp -4 -l "$1" -r "$RATE" -R "$CLIENTS" -p "$SECS" -d 2 "$2" 2>&1 || true
}

# perfdhcp output -> "rate avg-delay-of-REQUEST-ACK"
summarize() {
  awk '/avg delay:/ { delay[++ad] = $3 } /Rate:/ { rate = $2 }
    END { printf "%s %s\n", rate + 0, (delay[2] ? delay[2] : delay[1]) + 0 }' <<<"$1"
}

ROUNDS=${ROUNDS:-2}
printf '\nperfdhcp -r %s -R %s -p %s, DORA exchanges, relay mode, namespaces; %s ABBA rounds\n' \
  "$RATE" "$CLIENTS" "$SECS" "$ROUNDS"
printf '%-6s %-12s %14s %14s\n' round server 'exchanges/s' 'avg delay ms'
RESULTS=()
for round in $(seq "$ROUNDS"); do
  if [ -n "$BASE" ]; then order=(dnsmasq prepstation base base prepstation dnsmasq)
  else order=(dnsmasq prepstation prepstation dnsmasq); fi
  for server in "${order[@]}"; do
    case $server in
      dnsmasq) out=$(run_perfdhcp 10.33.60.2 10.33.60.1) ;;
      prepstation) out=$(run_perfdhcp 10.33.64.2 10.33.64.1) ;;
      base) out=$(run_perfdhcp 10.33.68.2 10.33.68.1) ;;
    esac
    [ -n "${BENCH_RAW:-}" ] && echo "$out"
    read -r rate delay <<<"$(summarize "$out")"
    printf '%-6s %-12s %14s %14s\n' "$round" "$server" "$rate" "$delay"
    RESULTS+=("$server $rate $delay")
  done
done
printf '%s\n' "${RESULTS[@]}" | awk '
  { n[$1]++; r[$1] += $2; d[$1] += $3 }
  END {
    printf "mean         dnsmasq %.1f/s %.1f ms   prepstation %.1f/s %.1f ms\n",
      r["dnsmasq"] / n["dnsmasq"], d["dnsmasq"] / n["dnsmasq"], r["prepstation"] / n["prepstation"], d["prepstation"] / n["prepstation"]
    if (r["dnsmasq"] > 0) printf "ratio (prepstation / dnsmasq): throughput %.2fx", r["prepstation"] / r["dnsmasq"]
    if (d["dnsmasq"] > 0) printf ", latency %.2fx (lower is better)", d["prepstation"] / d["dnsmasq"]
    print ""
    if (n["base"] > 0) {
      printf "base         %.1f/s %.1f ms; ratio (prepstation / base): throughput %.2fx", r["base"] / n["base"], d["base"] / n["base"], r["prepstation"] / r["base"] * n["base"] / n["prepstation"]
      if (d["base"] > 0) printf ", latency %.2fx", d["prepstation"] / d["base"] * n["base"] / n["prepstation"]
      print ""
    }
  }'
