#!/usr/bin/env bash
# Load test: the release binary on the demo data, wrk from Debian (-t2 -c64, 10 s per page), req/s and p99.
# Usage: bench/run.sh [seconds]   (needs: apt-get install -y wrk; prints a Markdown table for the README)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
PORT=18087
command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk </dev/null; }
cargo build --release -q
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
./target/release/weizhili demo --fresh --no-serve --database-url "sqlite://$WORK/bench.db" >/dev/null
WEIZHILI_LOG_LEVEL=warn ./target/release/weizhili serve --database-url "sqlite://$WORK/bench.db" --addr "127.0.0.1:$PORT" &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# A staff session (cookie) and an API token.
JAR="$WORK/jar"
CSRF=$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "_csrf=$CSRF&login=shegong&password=demo1234" "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6 == "wzl_session" {print $7}' "$JAR")
TOKEN=$(curl -s -H 'content-type: application/json' -d '{"login":"shegong","password":"demo1234"}' "http://127.0.0.1:$PORT/api/v1/auth/login" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')

run() { # name, path, header
    local out
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "$3" "http://127.0.0.1:$PORT$2")
    local rps p99
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    printf '| %s | `%s` | %s | %s |\n' "$1" "$2" "$rps" "$p99"
}
echo "| page | path | req/s | p99 |"
echo "|---|---|---|---|"
run "health check (one SELECT 1)" /healthz "X-Bench: 1"
run "login page (no database)" /login "X-Bench: 1"
run "staff resident list, 20 rows (6 queries)" "/residents" "Cookie: wzl_session=$SESSION"
run "staff list filtered by building" "/residents?building=3" "Cookie: wzl_session=$SESSION"
run "JSON resident list, 50 rows (bearer token)" "/api/v1/residents" "Authorization: Bearer $TOKEN"
run "event calendar, next 31 days (signed in)" "/events" "Cookie: wzl_session=$SESSION"
run "iCalendar feed (public)" "/communities/1/events.ics" "X-Bench: 1"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
