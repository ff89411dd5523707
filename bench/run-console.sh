#!/usr/bin/env bash
# Console first-load benchmark: publishes the API (which trims and Brotli-compresses the console), starts it
# with the embedded database and the demo town on a free loopback port, runs bench/Points.Bench.Console
# against it in headless chromium, stops it. Not part of the test command. Usage: bench/run-console.sh [runs]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null; }
TMP=$(mktemp -d /tmp/points-console-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
dotnet publish Api -c Release -nologo -v q -clp:NoSummary -o "$TMP/api"
dotnet build bench/Points.Bench.Console -c Release -nologo -v q -clp:NoSummary
( cd "$TMP/api" && exec env ASPNETCORE_ENVIRONMENT=Development Points__DataDir="$TMP/data" Scheduler__Enabled=false \
    dotnet Points.Api.dll --urls "http://127.0.0.1:$PORT" >"$TMP/api.log" 2>&1 ) &
API=$!
trap 'kill "$API" 2>/dev/null || true; wait "$API" 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
dotnet artifacts/bin/Points.Bench.Console/release/Points.Bench.Console.dll "http://127.0.0.1:$PORT/" "${1:-5}"
