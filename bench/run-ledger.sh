#!/usr/bin/env bash
# bench/run-ledger.sh: the ledger benchmark in one bounded run on throwaway servers.
#   1. starts PostgreSQL + Redis on free loopback ports (scripts/test.sh --servers-only), builds Release
#   2. pgbench -i -s 10, then pgbench -c 8 -j 2 -T 15 -b tpcb-like on that PostgreSQL (the anchor)
#   3. migrates + seeds a database with the Api's own verbs, starts the API (Kestrel, Release,
#      ASPNETCORE_ENVIRONMENT=Production, PostgreSQL + Redis), runs bench/Points.Bench.Ledger at 8 and
#      64 connections, prints redemptions/s, p50/p99 and the ratio to pgbench's TPS
#   4. runs `Points.Api ledger check` on the benchmark database, stops everything it started (by PID)
# Environment: BENCH_SECS (per phase, default 10), PGBENCH_SECS (default 15), CONNECTIONS (default 8,64).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_SECS=${BENCH_SECS:-10}; PGBENCH_SECS=${PGBENCH_SECS:-15}; CONNECTIONS=${CONNECTIONS:-8,64}
log() { echo "[run-ledger $(date +%H:%M:%S)] $*" >&2; }

TMP=$(mktemp -d /tmp/points-bench.XXXXXX)
SERVERS_PID=""; API_PID=""
cleanup() {
  trap - EXIT INT TERM
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  # scripts/test.sh stops its PostgreSQL and Redis on TERM. Its children are killed only after it has
  # exited: killing them at once also killed the pg_ctl its cleanup runs, and PostgreSQL kept running.
  if [ -n "$SERVERS_PID" ]; then
    local idle; idle=$(ps -o pid= --ppid "$SERVERS_PID" || true)
    kill "$SERVERS_PID" 2>/dev/null || true
    wait "$SERVERS_PID" 2>/dev/null || true
    [ -n "$idle" ] && kill $idle 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting throwaway PostgreSQL and Redis"
scripts/test.sh --servers-only > "$TMP/servers.out" 2> "$TMP/servers.err" &
SERVERS_PID=$!
for _ in $(seq 600); do grep -q POINTS_TEST_REDIS "$TMP/servers.out" 2>/dev/null && break; sleep 0.1; done
eval "$(grep '^export' "$TMP/servers.out")"
PG_HOST=127.0.0.1
PG_PORT=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<< "$POINTS_TEST_PG")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PSQL=("$PGBIN/psql" -h $PG_HOST -p "$PG_PORT" -U postgres -qAt)
log "postgres :$PG_PORT  redis $POINTS_TEST_REDIS"

log "building Release"
dotnet build Api/Points.Api.csproj -c Release -nologo -v q -clp:NoSummary >/dev/null
dotnet build bench/Points.Bench.Ledger/Points.Bench.Ledger.csproj -c Release -nologo -v q -clp:NoSummary >/dev/null

log "pgbench tpcb-like: init -s 10, then -c 8 -j 2 -T $PGBENCH_SECS"
"${PSQL[@]}" -c "CREATE DATABASE pgbench"
"$PGBIN/pgbench" -h $PG_HOST -p "$PG_PORT" -U postgres -i -s 10 -q pgbench > "$TMP/pgbench-init.log" 2>&1
"$PGBIN/pgbench" -h $PG_HOST -p "$PG_PORT" -U postgres -c 8 -j 2 -T "$PGBENCH_SECS" -b tpcb-like pgbench > "$TMP/pgbench.log" 2>&1
PGBENCH_TPS=$(grep -E '^tps = ' "$TMP/pgbench.log" | head -1 | sed -E 's/tps = ([0-9.]+).*/\1/')
PGBENCH_LAT=$(grep -E 'latency average' "$TMP/pgbench.log" | sed -E 's/.*= ([0-9.]+) ms/\1/')
log "pgbench: $PGBENCH_TPS tps, latency average $PGBENCH_LAT ms"

"${PSQL[@]}" -c "CREATE DATABASE points_bench"
API_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
export ASPNETCORE_ENVIRONMENT=Production
export Database__Provider=Postgres
export ConnectionStrings__Points="Host=$PG_HOST;Port=$PG_PORT;Username=postgres;Database=points_bench;Maximum Pool Size=100${PG_EXTRA:+;$PG_EXTRA}"
export Redis__Configuration="$POINTS_TEST_REDIS"
export Redis__KeyPrefix="bench:"
export Points__DataDir="$TMP/data"
export Auth__SigningKey="bench-signing-key-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export Logging__LogLevel__Default=Warning
# Production refuses to start without WeChat settings; the benchmark never signs in through WeChat.
export WeChat__BaseUrl=http://127.0.0.1:9 WeChat__AppId=bench-app WeChat__AppSecret=bench-secret
export WeChat__PublicBaseUrl=https://points.example.test WeChat__PushToken=benchPush WeChat__EncodingAesKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
export Points__DataProtectionKey="$(head -c 32 /dev/urandom | base64)"
API_DLL=artifacts/bin/Points.Api/release/Points.Api.dll
dotnet "$API_DLL" seed > "$TMP/seed.log" 2>&1 || { cat "$TMP/seed.log"; exit 1; }
ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x8000000}" DOTNET_PerfMapEnabled="${PERF:-0}" DOTNET_EnableWriteXorExecute="$([ "${PERF:-0}" = 1 ] && echo 0 || echo 1)" dotnet "$API_DLL" > "$TMP/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 300); do curl -fsS -m 2 "http://127.0.0.1:$API_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS -m 2 "http://127.0.0.1:$API_PORT/readyz" >/dev/null || { cat "$TMP/api.log"; exit 1; }
log "API (Production, Release) on :$API_PORT pid $API_PID"

if [ "${PERF:-0}" = 1 ]; then
  # Optional CPU profile of the first measured phase (perf + the runtime's perf map for JIT-compiled frames).
  export BENCH_PHASE_FILE="$TMP/phase"
  ( while [ ! -f "$BENCH_PHASE_FILE" ]; do sleep 0.05; done
    perf record -a -g -F 499 -o "${PERF_OUT:-/tmp/ledger.perf.data}" -- sleep "$BENCH_SECS" >/dev/null 2>&1 ) &
fi
echo "== ledger benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)  host $(hostname)  cores $(nproc)  load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pgbench tpcb-like -c 8 -j 2 -T $PGBENCH_SECS: $PGBENCH_TPS tps (latency average $PGBENCH_LAT ms)"
dotnet artifacts/bin/Points.Bench.Ledger/release/Points.Bench.Ledger.dll \
  --api "http://127.0.0.1:$API_PORT" --signing-key "$Auth__SigningKey" --seconds "$BENCH_SECS" \
  --connections "$CONNECTIONS" --pgbench-tps "$PGBENCH_TPS" --expected-rps "${EXPECTED_RPS:-2000}" \
  --api-pid "$API_PID" --pg-pid "$(head -1 "$(sed -E 's/.*data ([^)]*)\).*/\1/' <<< "$(grep 'postgres on' "$TMP/servers.err")")/postmaster.pid")"

kill "$API_PID"; wait "$API_PID" 2>/dev/null || true; API_PID=""
dotnet "$API_DLL" ledger check | tail -3
