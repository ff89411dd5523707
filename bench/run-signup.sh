#!/usr/bin/env bash
# Sign-up benchmark: starts throwaway PostgreSQL + Redis (scripts/test.sh --servers-only), builds
# Release, runs bench/Points.Bench.Signup once, stops the servers. Not part of the test command.
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
POINTS_BENCH_PG="$POINTS_TEST_PG" POINTS_BENCH_REDIS="$POINTS_TEST_REDIS" POINTS_ROOT="$ROOT" \
  dotnet artifacts/bin/Points.Bench.Signup/release/Points.Bench.Signup.dll
