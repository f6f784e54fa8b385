#!/usr/bin/env bash
# Load test of the micro-wishes at scale: fills a fresh SQLite database with `weizhili bench-data`
# (default 100 communities × 5,000 wishes), serves it from the release binary, and runs wrk -t2 -c64 with
# --latency against the public wall (page and JSON), the staff wish list (signed in) and claims per second
# (bench/claim.lua: POST /api/v1/wishes/{id}/claim over distinct published wishes, bearer token).
# Usage: bench/wishes.sh [seconds]   env: COMMUNITIES=100 WISHES=500000 PLANS=1 (print SQLite query plans)
# Needs wrk (apt-get install -y wrk). Prints a Markdown table for the README.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
COMMUNITIES="${COMMUNITIES:-100}"
WISHES="${WISHES:-500000}"
PORT=18088
BIN="${CARGO_TARGET_DIR:-target}/release/weizhili"
command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk </dev/null; }
cargo build --release -q -p weizhili
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
DB="sqlite://$WORK/bench.db"

start=$(date +%s)
"$BIN" bench-data --communities "$COMMUNITIES" --wishes "$WISHES" --published-ids "$WORK/published.txt" --database-url "$DB" >&2
echo "bench-data: $(( $(date +%s) - start )) s for $COMMUNITIES communities, $WISHES wishes" >&2

if [ "${PLANS:-0}" = 1 ] && command -v sqlite3 >/dev/null; then
    {
        echo "-- wall (first page, then page 10)"
        sqlite3 "$WORK/bench.db" "EXPLAIN QUERY PLAN SELECT * FROM wishes WHERE community_id = 1 AND status IN ('published', 'claimed', 'fulfilled', 'confirmed') ORDER BY priority DESC, id DESC LIMIT 41 OFFSET 360"
        echo "-- staff list and its count"
        sqlite3 "$WORK/bench.db" "EXPLAIN QUERY PLAN SELECT * FROM wishes WHERE community_id = 1 ORDER BY priority DESC, id DESC LIMIT 20"
        sqlite3 "$WORK/bench.db" "EXPLAIN QUERY PLAN SELECT COUNT(id) FROM wishes WHERE community_id = 1"
        echo "-- volunteer's list to claim from"
        sqlite3 "$WORK/bench.db" "EXPLAIN QUERY PLAN SELECT * FROM wishes WHERE community_id = 1 AND status IN ('published') ORDER BY priority DESC, id DESC LIMIT 20"
        echo "-- claims of a page"
        sqlite3 "$WORK/bench.db" "EXPLAIN QUERY PLAN SELECT * FROM wish_claims WHERE wish_id IN (1, 2, 3) AND status IN ('active', 'completed') ORDER BY id"
    } >&2
fi

WEIZHILI_LOG_LEVEL=warn "$BIN" serve --database-url "$DB" --addr "127.0.0.1:$PORT" >/dev/null &
SERVER=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# A staff session (cookie) and a volunteer's API token.
JAR="$WORK/jar"
CSRF=$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -b "$JAR" -c "$JAR" -o /dev/null -d "_csrf=$CSRF&login=bench-staff&password=bench1234" "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6 == "wzl_session" {print $7}' "$JAR")
TOKEN=$(curl -s -H 'content-type: application/json' -d '{"login":"bench-volunteer","password":"bench1234"}' "http://127.0.0.1:$PORT/api/v1/auth/login" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')

run() { # name, path, header, [extra wrk args…]
    local name="$1" path="$2" header="$3" out rps p99
    shift 3
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "$header" "$@" "http://127.0.0.1:$PORT${path//\{id\}/0}")
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    printf '| %s | `%s` | %s | %s |\n' "$name" "$path" "$rps" "$p99"
    LAST="$out"
}
echo "| case | path | req/s | p99 |"
echo "|---|---|---|---|"
run "public wall, first page (HTML, from memory)" /wall/1 "X-Bench: 1"
run "JSON wall, first page (from memory)" /api/v1/wall/1 "X-Bench: 1"
run "public wall, page 10 (HTML, from the database)" "/wall/1?page=10" "X-Bench: 1"
run "staff wish list, 20 rows of 5,000 (signed in)" /wishes "Cookie: wzl_session=$SESSION"
export IDS="$WORK/published.txt" TOKEN THREADS=2
run "claims (POST, bearer token, distinct published wishes)" "/api/v1/wishes/{id}/claim" "X-Bench: 1" -s bench/claim.lua
echo
echo "$LAST" | grep '^claims:'
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "data: $COMMUNITIES communities, $WISHES wishes ($(wc -l < "$WORK/published.txt") published), SQLite, $(date +%F)"
