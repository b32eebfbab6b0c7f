#!/usr/bin/env bash
# Gateway throughput with wrk: the sample Spring Cloud Gateway (SampleGateway, in the test sources)
# with lbkit sessions against the same gateway with Spring Cloud LoadBalancer's own round robin,
# same Netty backends on 127.0.0.1. Prints requests/s of each and the ratio lbkit / Spring.
#
# Usage, from the repository root:
#   mvn -q -pl lb-spring-gateway -am install -DskipTests && lb-spring-gateway/throughput.sh
# Needs wrk (Debian: apt-get install wrk). DURATION (20s), WARMUP (15s), CONNECTIONS (16), THREADS (1).
set -euo pipefail
cd "$(dirname "$0")"
command -v wrk >/dev/null || { echo "throughput.sh: wrk not found (apt-get install wrk)" >&2; exit 1; }
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/throughput-cp.txt
CP="target/test-classes:target/classes:$(cat target/throughput-cp.txt)"
URL="http://127.0.0.1:$PORT"

run() { # run MODE PATH [COOKIE]
  local mode=$1 path=$2 cookie=${3:-}
  local header=()
  [ -n "$cookie" ] && header=(-H "Cookie: $cookie")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-15s}" "${header[@]}" "$URL$path" >/dev/null   # warm-up: JIT
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "${header[@]}" "$URL$path" \
    | tee "target/throughput-$mode.txt" | sed -n 's/^Requests\/sec: *//p'
}

start() { # start [ARGS...]
  java -Xmx512m -cp "$CP" dev.lbkit.spring.gateway.sample.SampleGateway --server.port="$PORT" "$@" \
    > "target/throughput-gateway.log" 2>&1 &
  GATEWAY=$!
  for _ in $(seq 1 120); do
    curl -sf "$URL/tea/" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "throughput.sh: the gateway did not start; see target/throughput-gateway.log" >&2
  exit 1
}

stop() { kill "$GATEWAY" 2>/dev/null || true; wait "$GATEWAY" 2>/dev/null || true; }
trap stop EXIT

start --spring-default
spring=$(run spring /tea/)
stop

start
cookie=$(curl -si "$URL/tea/" | sed -n 's/^[Ss]et-[Cc]ookie: \(cookie-tea=[^;]*\);.*/\1/p' | head -1)
sticky=$(run lbkit-sticky /tea/ "$cookie")
fresh=$(run lbkit-new-session /tea/)
stop

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, $(java -version 2>&1 | head -1)"
printf '%-40s %12s\n' "Spring's round robin (no session)" "$spring"
printf '%-40s %12s\n' "lbkit, sticky hit (cookie-tea)" "$sticky"
printf '%-40s %12s\n' "lbkit, new session each request" "$fresh"
awk -v a="$sticky" -v b="$spring" 'BEGIN { printf "ratio lbkit sticky / Spring: %.3f (target >= 0.95)\n", a / b }'
