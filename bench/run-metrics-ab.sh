#!/usr/bin/env bash
# bench/run-metrics-ab.sh: the hot paths with OpenTelemetry metrics off and on (Metrics:Enabled), interleaved.
# Each round runs bench/run-ledger.sh (redemptions, beside pgbench's TPC-B-like TPS on the same PostgreSQL) and
# bench/run-signup.sh (sign-up rejections and admissions, beside GET /healthz of the same API), once with
# metrics off and once on; the order flips every round (off-on, on-off, ...), so drift in the host's speed
# falls on both sides. Every run starts its own throwaway servers. Output: one log per run under $OUT.
# Environment: ROUNDS (default 2), OUT (default a new temporary folder), and what the two scripts read.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-$(mktemp -d /tmp/points-metrics-ab.XXXXXX)}
mkdir -p "$OUT"
dotnet build Points.sln -c Release -nologo -v q -clp:NoSummary >/dev/null
for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="false true"; else order="true false"; fi
  for enabled in $order; do
    tag="r${round}-metrics-$([ "$enabled" = true ] && echo on || echo off)"
    echo "[metrics-ab $(date -u +%H:%M:%S)] $tag: ledger" >&2
    Metrics__Enabled=$enabled bench/run-ledger.sh > "$OUT/$tag-ledger.log" 2>&1 || echo "ledger failed: $OUT/$tag-ledger.log" >&2
    echo "[metrics-ab $(date -u +%H:%M:%S)] $tag: sign-up" >&2
    Metrics__Enabled=$enabled bench/run-signup.sh > "$OUT/$tag-signup.log" 2>&1 || echo "sign-up failed: $OUT/$tag-signup.log" >&2
  done
done
echo "logs in $OUT" >&2
grep -H -E 'redemptions|req/s|tps|^\|' "$OUT"/*.log || true
