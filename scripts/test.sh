#!/usr/bin/env bash
# The test command: installs PostgreSQL, Redis and chromium (+ a CJK font) when missing (apt-get, as root), starts throwaway
# instances on free loopback ports with data in a temporary folder, runs every test against them,
# and stops them on exit (also on failure or Ctrl-C).
#   scripts/test.sh                 all tests
#   scripts/test.sh --filter X      passes X to `dotnet test --filter`
#   scripts/test.sh --servers-only  start the servers, print their environment, wait for Ctrl-C
#   scripts/test.sh --clock-offset +400d
#                                   PostgreSQL and the tests (and every process they start but Redis)
#                                   see the clock moved by the offset (libfaketime: [+-]N with s, m, h,
#                                   d or y; -30d goes back). The build and Redis keep the real clock.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
log() { echo "[test] $*" >&2; }

FILTER=""; SERVERS_ONLY=0; CLOCK_OFFSET=""
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) FILTER="$2"; shift 2 ;;
    --servers-only) SERVERS_ONLY=1; shift ;;
    --clock-offset)
      CLOCK_OFFSET="${2:-}"; shift 2 || shift
      if ! [[ "$CLOCK_OFFSET" =~ ^[+-][0-9]+[smhdy]?$ ]]; then
        echo "--clock-offset takes [+-]N with an optional unit s, m, h, d or y, e.g. +400d or -30d (got '$CLOCK_OFFSET')" >&2; exit 2
      fi ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

# ---------------------------------------------------------------- packages
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
faketime_lib() { for f in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do [ -f "$f" ] && { echo "$f"; return; }; done; return 0; }
[ -n "$CLOCK_OFFSET" ] && [ -z "$(faketime_lib)" ] && missing+=(faketime)
# the console's browser tests drive Debian's chromium; without a CJK font it draws Chinese as boxes
command -v chromium >/dev/null || missing+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then log "need root to install: ${missing[*]}"; exit 1; fi
  log "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# With --clock-offset, FAKED runs a command on the moved clock. The monotonic clock moves by the same
# constant offset, so durations stay real (keeping it unfaked made libfaketime's timed waits return at
# once, and vstest could never connect to its test hosts). Redis is never started this way: it hangs
# under libfaketime, and it holds relative TTLs only; tests that start redis-server drop LD_PRELOAD.
FAKED=()
if [ -n "$CLOCK_OFFSET" ]; then
  FAKED=(env LD_PRELOAD="$(faketime_lib)" FAKETIME="$CLOCK_OFFSET")
  log "clock offset $CLOCK_OFFSET: real $(date -u +%FT%TZ), moved $("${FAKED[@]}" date -u +%FT%TZ)"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || echo $(( 20000 + RANDOM % 20000 )); }

TMP=$(mktemp -d /tmp/points-test.XXXXXX)
chmod 755 "$TMP"
PG_PORT=$(free_port); REDIS_PORT=$(free_port)
PGDATA="$TMP/pg"
RUN_AS=()
[ "$(id -u)" = 0 ] && RUN_AS=(runuser -u postgres --)

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  log "stopping servers"
  if [ -f "$TMP/redis.pid" ]; then kill "$(cat "$TMP/redis.pid")" 2>/dev/null || true; fi
  if [ -f "$PGDATA/postmaster.pid" ]; then "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- Redis
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --dir "$TMP" --save "" --appendonly no \
  --daemonize yes --pidfile "$TMP/redis.pid" --logfile "$TMP/redis.log"
for _ in $(seq 100); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
log "redis on 127.0.0.1:$REDIS_PORT"

# ---------------------------------------------------------------- PostgreSQL
PGRUN="$TMP/pgrun"
mkdir -p "$PGDATA" "$PGRUN"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDATA" "$PGRUN"; fi
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >> "$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGRUN'
max_connections = 600
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
"${RUN_AS[@]}" "${FAKED[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGRUN/pg.log" -w -t 60 start >/dev/null
log "postgres on 127.0.0.1:$PG_PORT (data $PGDATA)"

export POINTS_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50"
export POINTS_TEST_REDIS="127.0.0.1:$REDIS_PORT"
export POINTS_TEST_REDIS_SERVER_PID_FILE="$TMP/redis.pid"
export POINTS_TEST_REDIS_DIR="$TMP"
export PGBIN
export POINTS_TEST_CLOCK_OFFSET="${CLOCK_OFFSET:-+0s}"   # ClockOffsetTests checks the processes really see it

if [ "$SERVERS_ONLY" = 1 ]; then
  echo "export POINTS_TEST_PG=\"$POINTS_TEST_PG\""
  echo "export POINTS_TEST_REDIS=\"$POINTS_TEST_REDIS\""
  if [ -n "$CLOCK_OFFSET" ]; then
    echo "export POINTS_TEST_CLOCK_OFFSET=\"$CLOCK_OFFSET\""
    echo "# run the tests with: ${FAKED[*]} dotnet test ..."
  fi
  log "servers up; Ctrl-C to stop"
  while true; do sleep 3600 & wait $!; done   # wait (not sleep) so TERM runs the cleanup at once
fi

# ---------------------------------------------------------------- tests
start=$(date +%s)
log "building"
dotnet build Points.sln -c Release -nologo -v q -clp:NoSummary
args=(test Points.sln -c Release --no-build -nologo --logger "trx;LogFilePrefix=points" --results-directory "$TMP/results")
[ -n "$FILTER" ] && args+=(--filter "$FILTER")
set +e
# No MSBuild node reuse: a node left by the build (on the real clock) must not launch the test hosts.
MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 "${FAKED[@]}" dotnet "${args[@]}"
rc=$?
set -e
# One plain closing line that any reader understands: "N passed, N failed, N skipped".
python3 - "$TMP/results" <<'PY' || true
import sys, glob, re
p=f=s=0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    t = open(path, encoding="utf-8").read()
    m = re.search(r'<Counters [^>]*', t)
    if not m: continue
    c = dict(re.findall(r'(\w+)="(\d+)"', m.group(0)))
    p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    s += int(c.get("notExecuted", 0))
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
log "test command took $(( $(date +%s) - start )) s${CLOCK_OFFSET:+ (clock offset $CLOCK_OFFSET)}"
exit $rc
