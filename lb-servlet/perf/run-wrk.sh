#!/usr/bin/env bash
# Gateway throughput with lbkit's filter against the same Jetty 12 proxy without it, on the same
# backends, measured with wrk (Debian: apt-get install wrk). A documented measurement, not CI.
#
#   lb-servlet/perf/run-wrk.sh [DURATION] [ROUNDS] [CONNECTIONS] [THREADS]   defaults: 10s 3 64 2
#
# Starts two nginx-hello backends (one JVM) and three gateways (one JVM each) on 127.0.0.1:
#   plain   18081  Jetty's ProxyServlet, round robin by a counter             (the baseline)
#   filter  18082  LoadBalancingFilter + LoadBalancingProxyServlet, round robin
#   cookie  18083  the same with a cookie session; wrk sends one session's cookie (sticky hits)
# Each gateway gets a warm-up run; then ROUNDS rounds measure plain, filter and cookie one after
# the other, so that a machine busy with something else slows all three alike. Prints each round
# and the ratio of the totals to plain (target >= 0.95). Only one gateway is loaded at a time; run
# it on an otherwise idle machine and repeat.
set -euo pipefail

DURATION="${1:-10s}"
ROUNDS="${2:-3}"
CONNECTIONS="${3:-64}"
THREADS="${4:-2}"
MVN="${MVN:-$(command -v /tmp/lbkit-mvn || command -v mvn)}"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

echo "building lb-servlet and its test classes..."
(cd "$ROOT" && "$MVN" -q -o -pl lb-servlet -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$WORK/cp.txt" -Dmdep.includeScope=test >/dev/null)
CP="$ROOT/lb-servlet/target/test-classes:$ROOT/lb-servlet/target/classes:$(cat "$WORK/cp.txt")"
JAVA=(java -Xms256m -Xmx256m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

"${JAVA[@]}" dev.lbkit.servlet.PerfGateway backends perf-1 perf-2 >"$WORK/backends.txt" 2>&1 &
PIDS+=($!)
for _ in $(seq 150); do [ "$(grep -c '^perf-' "$WORK/backends.txt")" -ge 2 ] && break; sleep 0.2; done
TARGETS=$(awk '/^perf-/ {print "127.0.0.1:" $2}' "$WORK/backends.txt" | tr '\n' ' ')
echo "backends: $TARGETS"

declare -A PORT=([plain]=18081 [filter]=18082 [cookie]=18083)
declare -A HEADER
MODES=(plain filter cookie)
for mode in "${MODES[@]}"; do
  "${JAVA[@]}" dev.lbkit.servlet.PerfGateway gateway "${PORT[$mode]}" "$mode" $TARGETS \
    >"$WORK/$mode.log" 2>&1 &
  PIDS+=($!)
done
for mode in "${MODES[@]}"; do
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:${PORT[$mode]}/tea" && break; sleep 0.2; done
done
COOKIE=$(curl -s -D - -o /dev/null "http://127.0.0.1:${PORT[cookie]}/tea" | tr -d '\r' \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
HEADER[cookie]="Cookie: $COOKIE"
echo "session cookie: $COOKIE"

load() { # mode duration -> requests/s
  local mode="$1" args=(-t"$THREADS" -c"$CONNECTIONS" -d"$2")
  if [ -n "${HEADER[$mode]:-}" ]; then args+=(-H "${HEADER[$mode]}"); fi
  wrk "${args[@]}" "http://127.0.0.1:${PORT[$mode]}/tea" >"$WORK/$mode.wrk"
  if grep -q "Non-2xx" "$WORK/$mode.wrk"; then
    echo "$mode: non-2xx answers:" >&2; cat "$WORK/$mode.wrk" >&2; exit 1
  fi
  awk '/^Requests\/sec/ {print $2}' "$WORK/$mode.wrk"
}

echo "java: $(java -version 2>&1 | head -1); cores: $(nproc); wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS"
for mode in "${MODES[@]}"; do load "$mode" 10s >/dev/null; done   # warm-up
declare -A TOTAL=([plain]=0 [filter]=0 [cookie]=0)
printf '%-6s %10s %10s %10s\n' round plain filter cookie
for round in $(seq "$ROUNDS"); do
  declare -A R
  for mode in "${MODES[@]}"; do
    R[$mode]=$(load "$mode" "$DURATION")
    TOTAL[$mode]=$(echo "${TOTAL[$mode]} + ${R[$mode]}" | bc -l)
  done
  printf '%-6s %10.0f %10.0f %10.0f\n' "$round" "${R[plain]}" "${R[filter]}" "${R[cookie]}"
done
printf '\n%-8s %12s %8s\n' mode "requests/s" ratio
for mode in "${MODES[@]}"; do
  printf '%-8s %12.0f %8.3f\n' "$mode" "$(echo "${TOTAL[$mode]} / $ROUNDS" | bc -l)" \
    "$(echo "${TOTAL[$mode]} / ${TOTAL[plain]}" | bc -l)"
done
