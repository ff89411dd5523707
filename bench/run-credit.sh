#!/usr/bin/env bash
# Credit benchmarks (not part of the test command): nightly re-score of N residents on PostgreSQL, then
# bank query latency at 64 connections against the API running in Production (PostgreSQL + Redis).
#   bench/run-credit.sh [residents]     default 1000000; ROUNDS=5 measured bank-query rounds of 20 s
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${1:-1000000}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
LOG=$(mktemp /tmp/credit-bench.XXXXXX)
scripts/test.sh --servers-only > "$LOG" 2>&1 &
SERVERS=$!
API=""
cleanup() { [ -n "$API" ] && kill "$API" 2>/dev/null || true; kill "$SERVERS" 2>/dev/null || true; wait 2>/dev/null || true; rm -f "$LOG"; }
trap cleanup EXIT
for _ in $(seq 120); do grep -q "servers up" "$LOG" && break; sleep 1; done
eval "$(grep '^export' "$LOG")"
DB="credit_bench_$$"
psql "postgresql://postgres@${POINTS_TEST_PG#*Host=}" -c "select 1" >/dev/null 2>&1 || true
PG_PORT=$(echo "$POINTS_TEST_PG" | sed -E 's/.*Port=([0-9]+).*/\1/')
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE $DB" >/dev/null
CONN="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$DB;Pooling=true;Maximum Pool Size=100"

dotnet build bench/Points.Bench.Credit -c Release -nologo -v q
dotnet build Api -c Release -nologo -v q
BENCH="dotnet artifacts/bin/Points.Bench.Credit/release/Points.Bench.Credit.dll"
$BENCH load --pg "$CONN" --residents "$N"
$BENCH rescore --pg "$CONN"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
if [ "${PERF:-0}" = 1 ]; then
  # Optional CPU profile of 10 s of the bank query run (perf + the runtime's perf map for JIT-compiled frames).
  export BENCH_PHASE_FILE="$LOG.phase"
  ( while [ ! -f "$BENCH_PHASE_FILE" ]; do sleep 0.05; done; sleep 5
    perf record -a -g -F 499 -o "${PERF_OUT:-/tmp/credit.perf.data}" -- sleep 10 >/dev/null 2>&1; rm -f "$BENCH_PHASE_FILE" ) &
fi
# The API runs as deployed (README, Scale): a 128 MB gen0 budget, DOTNET_GCgen0size, set per host; and in a
# session of its own (setsid), as a service: PostgreSQL (pg_ctl), the API and wrk each get their own scheduling
# group, as separate services do, instead of wrk taking its CPU from the API's group (RESULTS.md, "Where the tail was found").
setsid env DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x8000000}" \
DOTNET_PerfMapEnabled="${PERF:-0}" DOTNET_EnableWriteXorExecute="$([ "${PERF:-0}" = 1 ] && echo 0 || echo 1)" \
ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$PORT" \
  Database__Provider=Postgres ConnectionStrings__Points="$CONN" Redis__Configuration="$POINTS_TEST_REDIS" \
  Auth__SigningKey="bench-signing-key-that-is-long-enough-0123456789" WeChat__BaseUrl=http://127.0.0.1:9 WeChat__AppId=wx0000bench000000 WeChat__AppSecret=bench-secret WeChat__PublicBaseUrl=https://points.example.test WeChat__PushToken=benchPush WeChat__EncodingAesKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG Points__DataProtectionKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= Points__SeedDemo=false Scheduler__Enabled=false \
  Logging__LogLevel__Default=Warning Diagnostics__RequestTiming=true \
  dotnet artifacts/bin/Points.Api/release/Points.Api.dll > /tmp/credit-bench-api.log 2>&1 &
API=$!; echo "api pid $API"
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
BANK_RC=0
BENCH_P99_FILE="$LOG.bank" $BENCH bank --pg "$CONN" --url "http://127.0.0.1:$PORT" --connections 64 --seconds 20 --rounds "${ROUNDS:-5}" --tokens 10000 || BANK_RC=$?

# The machine's floor in the same run: the project's own minimal Kestrel app (bench/Points.Bench.Anchor,
# GET /plaintext), same wrk, same connections, same sessions. The bank query's p99 is reported against its p99.
kill "$API" 2>/dev/null || true; wait "$API" 2>/dev/null || true; API=""
dotnet build bench/Points.Bench.Anchor -c Release -nologo -v q >/dev/null
ASPNETCORE_URLS="http://127.0.0.1:$PORT" setsid dotnet artifacts/bin/Points.Bench.Anchor/release/Points.Bench.Anchor.dll > /dev/null 2>&1 &
API=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/plaintext" >/dev/null && break; sleep 1; done
setsid wrk -t2 -c64 -d10s "http://127.0.0.1:$PORT/plaintext" > /dev/null
ANCHOR=$(setsid wrk -t2 -c64 -d20s --latency "http://127.0.0.1:$PORT/plaintext")
ANCHOR_RPS=$(echo "$ANCHOR" | awk '/Requests\/sec/ {print $2}')
ANCHOR_P99=$(echo "$ANCHOR" | awk '$1=="99%" {print $2}')
echo "anchor (plain Kestrel GET /plaintext, wrk, 64 connections, 20 s): $ANCHOR_RPS req/s; p50 $(echo "$ANCHOR" | awk '$1=="50%" {print $2}'), p90 $(echo "$ANCHOR" | awk '$1=="90%" {print $2}'), p99 $ANCHOR_P99"
to_ms() { case "$1" in *us) awk -v v="${1%us}" 'BEGIN {print v/1000}' ;; *ms) echo "${1%ms}" ;; *s) awk -v v="${1%s}" 'BEGIN {print v*1000}' ;; *) echo "$1" ;; esac; }
if [ -f "$LOG.bank" ]; then
  BANK_P99_MS=$(cat "$LOG.bank"); rm -f "$LOG.bank"
  A=$(to_ms "$ANCHOR_P99")
  echo "bank query p99 (worst round): $BANK_P99_MS ms; anchor plain Kestrel p99: $A ms; ratio $(awk -v a="$BANK_P99_MS" -v b="$A" 'BEGIN {printf "%.2f", a/b}')"
fi
exit $BANK_RC
