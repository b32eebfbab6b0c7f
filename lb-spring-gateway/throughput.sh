#!/usr/bin/env bash
# Gateway throughput with wrk: the sample Spring Cloud Gateway (SampleGateway, in the test sources)
# with lbkit sessions against the same gateway with Spring Cloud LoadBalancer's own round robin,
# same kind of Netty backends on 127.0.0.1. Both gateways run at once (one idles while wrk loads
# the other) and the runs alternate, ROUNDS times, so drift on a shared machine hits both alike.
# Both get the same requests, the lbkit session cookie included: a client of the gateway sends it
# whichever load balancer is behind, and Spring parses it into its request data either way
# (COOKIE_TO_SPRING=0 leaves it off Spring's requests, as this script did before).
# Prints requests/s of each run and the median ratio lbkit / Spring.
#
# Usage, from the repository root:
#   mvn -q -pl lb-spring-gateway -am install -DskipTests && lb-spring-gateway/throughput.sh
# Needs wrk (Debian: apt-get install wrk). DURATION (20s), WARMUP (15s), CONNECTIONS (16), THREADS (1),
# ROUNDS (3). GATEWAY_CPUS and WRK_CPUS (taskset lists, e.g. 0 and 1) pin the gateways (with their
# backends) and wrk to separate cores, so that wrk and the gateway do not take turns on one core.
set -euo pipefail
cd "$(dirname "$0")"
command -v wrk >/dev/null || { echo "throughput.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
ROUNDS=${ROUNDS:-3}
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/throughput-cp.txt
CP="target/test-classes:target/classes:$(cat target/throughput-cp.txt)"
SPRING_URL="http://127.0.0.1:$PORT"
LBKIT_URL="http://127.0.0.1:$((PORT + 1))"


load() { # load URL PATH DURATION OUT [COOKIE]: prints requests/s
  local url=$1 path=$2 duration=$3 out=$4 cookie=${5:-}
  local header=()
  [ -n "$cookie" ] && header=(-H "Cookie: $cookie")
  ${WRK_CPUS:+taskset -c "$WRK_CPUS"} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" "${header[@]}" "$url$path" \
    | tee "target/throughput-$out.txt" | sed -n 's/^Requests\/sec: *//p'
}

PIDS=()
start() { # start URL LOG [ARGS...]
  local url=$1 log=$2
  shift 2
  ${GATEWAY_CPUS:+taskset -c "$GATEWAY_CPUS"} java -Xmx512m -cp "$CP" dev.lbkit.spring.gateway.sample.SampleGateway "$@" \
    > "target/throughput-$log.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    curl -sf "$url/tea/" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "throughput.sh: the gateway did not start; see target/throughput-$log.log" >&2
  exit 1
}

stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap stop EXIT

start "$SPRING_URL" spring-gateway --server.port="$PORT" --spring-default
start "$LBKIT_URL" lbkit-gateway --server.port="$((PORT + 1))"
cookie=$(curl -si "$LBKIT_URL/tea/" | sed -n 's/^[Ss]et-[Cc]ookie: \(cookie-tea=[^;]*\);.*/\1/p' | head -1)
[ -n "$cookie" ] || { echo "throughput.sh: no cookie-tea from the lbkit gateway" >&2; exit 1; }

spring_cookie=$cookie
[ "${COOKIE_TO_SPRING:-1}" = 1 ] || spring_cookie=
# Warm-up: JIT both gateways before anything is measured.
load "$SPRING_URL" /tea/ "${WARMUP:-15s}" warmup-spring "$spring_cookie" >/dev/null
load "$LBKIT_URL" /tea/ "${WARMUP:-15s}" warmup-lbkit "$cookie" >/dev/null
load "$LBKIT_URL" /tea/ 5s warmup-lbkit-new >/dev/null

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, $(java -version 2>&1 | head -1)"
printf '%-6s %14s %14s %8s\n' round "Spring rr/s" "lbkit sticky" ratio
ratios=()
for r in $(seq 1 "$ROUNDS"); do
  spring=$(load "$SPRING_URL" /tea/ "$DURATION" "spring-$r" "$spring_cookie")
  sticky=$(load "$LBKIT_URL" /tea/ "$DURATION" "lbkit-sticky-$r" "$cookie")
  ratio=$(awk -v a="$sticky" -v b="$spring" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  printf '%-6s %14s %14s %8s\n' "$r" "$spring" "$sticky" "$ratio"
done
fresh=$(load "$LBKIT_URL" /tea/ "$DURATION" lbkit-new-session)
printf '%-40s %12s\n' "lbkit, new session each request" "$fresh"
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "median ratio lbkit sticky / Spring: $median (target >= 0.95)"
