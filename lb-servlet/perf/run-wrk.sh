#!/usr/bin/env bash
# Gateway throughput with lbkit's filter against the same Jetty 12 proxy without it, on the same
# backends, measured with wrk (Debian: apt-get install wrk). A documented measurement, not CI.
#
#   lb-servlet/perf/run-wrk.sh [DURATION] [CONNECTIONS] [THREADS]     defaults: 20s 64 2
#
# Starts two nginx-hello backends (one JVM) and, one after the other, three gateways (one JVM
# each) on 127.0.0.1:18080:
#   plain   Jetty's ProxyServlet, round robin by a counter           (the baseline)
#   filter  LoadBalancingFilter + LoadBalancingProxyServlet, round robin
#   cookie  the same with a cookie session; wrk sends one session's cookie (sticky hits)
# Each gets a warm-up run, then a measured run; the ratios to plain are printed (target >= 0.95).
# Everything shares this machine's cores, so run it on an otherwise idle machine and repeat.
set -euo pipefail

DURATION="${1:-20s}"
CONNECTIONS="${2:-64}"
THREADS="${3:-2}"
PORT=18080
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
JAVA=(java -Xms512m -Xmx512m -XX:+UseParallelGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP")

"${JAVA[@]}" dev.lbkit.servlet.PerfGateway backends perf-1 perf-2 >"$WORK/backends.txt" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ "$(wc -l <"$WORK/backends.txt")" -ge 2 ] && break; sleep 0.2; done
TARGETS=$(awk '{print "127.0.0.1:" $2}' "$WORK/backends.txt" | tr '\n' ' ')
echo "backends: $TARGETS"

run() { # mode -> prints requests/s of the measured run
  local mode="$1" header=()
  "${JAVA[@]}" dev.lbkit.servlet.PerfGateway gateway "$PORT" "$mode" $TARGETS >"$WORK/$mode.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/tea" && break; sleep 0.2; done
  if [ "$mode" = cookie ]; then
    local cookie
    cookie=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/tea" | tr -d '\r' \
      | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)
    header=(-H "Cookie: $cookie")
  fi
  wrk -t"$THREADS" -c"$CONNECTIONS" -d10s "${header[@]}" "http://127.0.0.1:$PORT/tea" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${header[@]}" "http://127.0.0.1:$PORT/tea" \
    | tee "$WORK/$mode.wrk" >&2
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  awk '/^Requests\/sec/ {print $2}' "$WORK/$mode.wrk"
}

echo "java: $(java -version 2>&1 | head -1); cores: $(nproc); wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
PLAIN=$(run plain)
FILTER=$(run filter)
COOKIE=$(run cookie)
printf '\n%-8s %12s %8s\n' mode "requests/s" ratio
printf '%-8s %12.0f %8.3f\n' plain "$PLAIN" 1
printf '%-8s %12.0f %8.3f\n' filter "$FILTER" "$(echo "$FILTER / $PLAIN" | bc -l)"
printf '%-8s %12.0f %8.3f\n' cookie "$COOKIE" "$(echo "$COOKIE / $PLAIN" | bc -l)"
