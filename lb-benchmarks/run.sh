#!/usr/bin/env bash
# Runs every lbkit benchmark, ours and the peers' in one JMH run, and writes into results/:
#   results.json   JMH's own output (-rf json), with B/op from -prof gc
#   machine.txt    JDK, CPU, cores and load before and after
#   results.md     the Markdown tables and targets (ResultsTable), as shown in docs/benchmarks.md
#   distribution.csv, disruption.csv, *.svg   balance and disruption (DistributionReport)
#   scaling.svg    pick time against N for every method (ScalingChart)
#
# Usage: lb-benchmarks/run.sh [JMH regexp or options...]   (no arguments: the whole suite)
# Budget: about 14 minutes on 2 cores (one fork, 2 x 1 s warmup, 3 x 1 s measurement per case).
# Build the jar first, from the repository root:  mvn -pl lb-benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")"

JAR=target/benchmarks.jar
OUT=results
if [ ! -f "$JAR" ]; then
  echo "run.sh: $JAR not found; build it first: mvn -pl lb-benchmarks -am package -DskipTests" >&2
  exit 1
fi
mkdir -p "$OUT"

JAVA=${JAVA:-java}
FORKS=${FORKS:-1}
WARMUP=${WARMUP:-2}
ITERATIONS=${ITERATIONS:-3}

{
  echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "lbkit:     $(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown) (the commit measured)"
  echo "jdk:       $("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p') ($("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.name = //p'))"
  echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
  echo "cores:     $(nproc)"
  echo "jmh:       -f $FORKS -wi $WARMUP -w 1s -i $ITERATIONS -r 1s -prof gc ${*:-(whole suite)}"
  echo "load before: $(uptime | sed 's/.*load average/load average/')"
} > "$OUT/machine.txt"

start=$(date +%s)
"$JAVA" -jar "$JAR" \
  -f "$FORKS" -wi "$WARMUP" -w 1s -i "$ITERATIONS" -r 1s \
  -prof gc -foe true \
  -rf json -rff "$OUT/results.json" \
  "$@"
end=$(date +%s)

{
  echo "load after:  $(uptime | sed 's/.*load average/load average/')"
  echo "wall time: $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s"
} >> "$OUT/machine.txt"

"$JAVA" -cp "$JAR" dev.lbkit.benchmarks.ResultsTable "$OUT/results.json" "$OUT/machine.txt" > "$OUT/results.md"
"$JAVA" -cp "$JAR" dev.lbkit.benchmarks.DistributionReport "$OUT"
"$JAVA" -cp "$JAR" dev.lbkit.benchmarks.ScalingChart "$OUT/results.json" "$OUT/scaling.svg"

# Refresh the generated parts of docs/benchmarks.md (between its begin/end markers).
splice() { # splice MARKER FILE
  local doc=../docs/benchmarks.md
  [ -f "$doc" ] && grep -q "<!-- $1:begin -->" "$doc" || return 0
  awk -v marker="$1" -v file="$2" '
    $0 == "<!-- " marker ":begin -->" { print; while ((getline line < file) > 0) print line; skip = 1; next }
    $0 == "<!-- " marker ":end -->" { skip = 0 }
    !skip { print }' "$doc" > "$doc.tmp" && mv "$doc.tmp" "$doc"
}
if [ $# -eq 0 ]; then
  splice results "$OUT/results.md"
  splice distribution "$OUT/distribution.md"
fi
echo "run.sh: wrote $OUT/results.md, $OUT/results.json and the distribution report"
