#!/usr/bin/env bash
# Sign-up benchmark: starts throwaway PostgreSQL + Redis (scripts/test.sh --servers-only), builds
# Release, runs bench/Points.Bench.Signup, stops the servers. Not part of the test command.
# Each run measures its own anchors first (bench/Points.Bench.Anchor: plain Kestrel, and Kestrel with one
# EVALSHA; redis-benchmark EVALSHA on the same Redis), then the API, and ends with summary lines
#   <metric>: <value> <unit>; anchor <name>: <value> <unit>; ratio <r>
# METRICS=on (default) | off | ab   ab also runs a second API without metrics on the same servers and measures the
#   rejection path in alternating 5 s windows on the two (POINTS_BENCH_AB_ROUNDS, default 8): the metrics cost.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
LOG=$(mktemp)
scripts/test.sh --servers-only >"$LOG" 2>&1 &
SERVERS=$!
trap 'kill "$SERVERS" 2>/dev/null || true; wait "$SERVERS" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 600); do grep -q '^export POINTS_TEST_REDIS=' "$LOG" && break; sleep 0.2; done
eval "$(grep '^export ' "$LOG")"
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || true
dotnet build Points.sln -c Release -nologo -v q -clp:NoSummary
AB=0
case "${METRICS:-on}" in on) RUNS=(true) ;; off) RUNS=(false) ;; ab) RUNS=(true); AB=1 ;; *) echo "METRICS is on, off or ab" >&2; exit 2 ;; esac
REDIS_HOST=${POINTS_TEST_REDIS%%:*}; REDIS_PORT=${POINTS_TEST_REDIS#*:}; REDIS_PORT=${REDIS_PORT%%,*}
for metrics in "${RUNS[@]}"; do
  echo "== sign-up benchmark $(date -u +%H:%M:%SZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
  if command -v redis-benchmark >/dev/null; then
    # One EVALSHA of a refused quota check, 64 clients: Redis's own ceiling for the rejection's only remote call.
    SHA=$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" SCRIPT LOAD "local t = tonumber(redis.call('GET', KEYS[1]) or '0') if t >= tonumber(ARGV[1]) then return 0 end return 1")
    RB=$(redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -c 64 -n 300000 -q EVALSHA "$SHA" 1 anchor:rb 0 2>/dev/null | tr '\r' '\n' | grep -Eo '[0-9.]+ requests per second' | tail -1 | cut -d' ' -f1)
    echo "anchor redis-benchmark EVALSHA, 64 clients: $RB req/s"
  fi
  POINTS_BENCH_METRICS_AB=$AB POINTS_BENCH_METRICS=$metrics POINTS_BENCH_PG="$POINTS_TEST_PG" POINTS_BENCH_REDIS="$POINTS_TEST_REDIS" POINTS_ROOT="$ROOT" \
    dotnet artifacts/bin/Points.Bench.Signup/release/Points.Bench.Signup.dll
done
