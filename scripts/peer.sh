#!/usr/bin/env bash
# peer.sh: linli against PocketBase on the same organizations, the same
# filters and the same client (docs/PERFORMANCE.md, "The peer").
#
#   scripts/peer.sh [--dir DIR] [--orgs N] [--n REQUESTS] [--c CONNECTIONS] [--warm N] [--only KEYS] [--pb-query-timeout S]
#
# 1. generates the dataset with `linli bench --scale guangzhou [--orgs N] --only none`
#    into DIR/peer.db (kept and reused if present: remove DIR to start over);
# 2. builds PocketBase (examples/base, pinned) with `go install module@version`
#    (linli's go.mod gains nothing), creates its superuser and the `orgs`
#    collection with linli's indexes through its API, stops it, and fills the
#    table from peer.db with the sqlite3 shell;
# 3. serves linli on peer.db and PocketBase on DIR/pb;
# 4. checks the counts equal (scripts/peer: every district's total and first
#    page, every search term's total, min(totalItems, 200) for linli's
#    relevance search, PocketBase matching linli's first page, single
#    organizations), and stops with an error if they are not;
# 5. times each request kind on linli then PocketBase (32 connections, a
#    warm-up discarded) and prints a Markdown table: median, p99, requests a
#    second, server CPU per request (/proc/PID/stat), the load average, the ratios.
set -euo pipefail

PB_MODULE=github.com/pocketbase/pocketbase/examples/base
PB_VERSION=v0.40.4
DIR=/tmp/linli-peer
ORGS=
N=2000
C=32
WARM=200
ONLY=
PB_QUERY_TIMEOUT=30
LINLI_ADDR=127.0.0.1:8090
PB_ADDR=127.0.0.1:8091
PB_EMAIL=peer@example.com
PB_PASSWORD=peer-password-2021

while [ $# -gt 0 ]; do
	case $1 in
	--dir) DIR=$2; shift 2 ;;
	--orgs) ORGS=$2; shift 2 ;;
	--n) N=$2; shift 2 ;;
	--c) C=$2; shift 2 ;;
	--warm) WARM=$2; shift 2 ;;
	--only) ONLY=$2; shift 2 ;;
	--pb-query-timeout) PB_QUERY_TIMEOUT=$2; shift 2 ;;
	*) echo "usage: $0 [--dir DIR] [--orgs N] [--n REQUESTS] [--c CONNECTIONS] [--warm N] [--only KEYS] [--pb-query-timeout S]" >&2; exit 2 ;;
	esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
mkdir -p "$DIR/bin"
DIR=$(cd "$DIR" && pwd)
say() { echo "peer: $*" >&2; }
die() { echo "peer: FAILED: $*" >&2; exit 1; }

command -v sqlite3 >/dev/null || { apt-get update && apt-get install -y sqlite3; } || die "no sqlite3 shell"

say "building linli, the client and PocketBase $PB_VERSION"
(cd "$ROOT" && go build -o "$DIR/bin/linli" ./cmd/linli && go build -o "$DIR/bin/peer" ./scripts/peer)
[ -x "$DIR/bin/base" ] || (cd "$DIR" && GOBIN="$DIR/bin" go install "$PB_MODULE@$PB_VERSION")
LINLI=$DIR/bin/linli
PB=$DIR/bin/base

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# wait_up URL: until the server answers (linli's first start on a
# generated dataset seals its plain phone numbers: minutes at 500,000).
wait_up() {
	for _ in $(seq 1 3600); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.5
	done
	die "$1 did not come up"
}

# 1. the dataset
if [ ! -s "$DIR/peer.db" ]; then
	say "generating the dataset (linli bench --scale guangzhou ${ORGS:+--orgs $ORGS} --only none)"
	"$LINLI" bench --db "sqlite:$DIR/peer.db" --scale guangzhou ${ORGS:+--orgs "$ORGS"} --only none \
		--out "$DIR/bench.json" >"$DIR/bench.log" 2>&1 || die "linli bench: see $DIR/bench.log"
fi
DB=$DIR/peer.db
USER_CITY=$(sqlite3 "$DB" "SELECT username FROM users WHERE username LIKE 'bench-city-%' ORDER BY id LIMIT 1")
[ -n "$USER_CITY" ] || die "no bench-city account in $DB"
CITY=${USER_CITY#bench-city-}
DISTRICTS=$(sqlite3 "$DB" "SELECT DISTINCT district_code FROM orgs WHERE district_code LIKE '$CITY%' ORDER BY 1" | paste -sd,)
IDS=$(sqlite3 "$DB" "SELECT id FROM orgs WHERE district_code LIKE '$CITY%' AND id % 7 = 0 ORDER BY id LIMIT 3000" | paste -sd,)
LINLI_ORGS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM orgs")

# 2. PocketBase: superuser, collection, rows
if [ ! -s "$DIR/pb/data.db" ] || [ "$(sqlite3 "$DIR/pb/data.db" "SELECT COUNT(*) FROM orgs" 2>/dev/null)" != "$LINLI_ORGS" ]; then
	rm -rf "$DIR/pb"
	say "PocketBase: superuser and the orgs collection"
	"$PB" superuser upsert "$PB_EMAIL" "$PB_PASSWORD" --dir "$DIR/pb" >/dev/null
	"$PB" serve --http "$PB_ADDR" --dir "$DIR/pb" >"$DIR/pb.log" 2>&1 &
	PIDS+=($!)
	wait_up "http://$PB_ADDR/api/health"
	TOKEN=$(curl -fsS -H 'Content-Type: application/json' \
		-d "{\"identity\":\"$PB_EMAIL\",\"password\":\"$PB_PASSWORD\"}" \
		"http://$PB_ADDR/api/collections/_superusers/auth-with-password" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
	[ -n "$TOKEN" ] || die "PocketBase superuser sign-in"
	text() { printf '{"name":"%s","type":"text"}' "$1"; }
	FIELDS=$(for f in name name_key district_code street_code community_code status tier ini; do text $f; printf ,; done)
	curl -fsS -o /dev/null -H "Authorization: $TOKEN" -H 'Content-Type: application/json' \
		-d "{\"name\":\"orgs\",\"type\":\"base\",\"fields\":[$FIELDS
			{\"name\":\"created\",\"type\":\"autodate\",\"onCreate\":true},
			{\"name\":\"updated\",\"type\":\"autodate\",\"onCreate\":true,\"onUpdate\":true}],
		\"indexes\":[\"CREATE INDEX idx_orgs_district_id ON orgs (district_code, id)\",
			\"CREATE INDEX idx_orgs_district_name ON orgs (district_code, name_key)\"]}" \
		"http://$PB_ADDR/api/collections" || die "PocketBase: creating the orgs collection"
	cleanup
	PIDS=()
	say "PocketBase: filling orgs from peer.db ($LINLI_ORGS organizations)"
	sqlite3 "$DIR/pb/data.db" <<-SQL || die "filling PocketBase"
		ATTACH '$DB' AS l;
		BEGIN;
		INSERT INTO orgs (id, name, name_key, district_code, street_code, community_code, status, tier, ini, created, updated)
		SELECT printf('%015d', o.id), o.name, o.name_key, o.district_code, o.street_code, o.community_code, o.status, o.tier,
			' ' || s.ini || ' ', o.created_at, o.updated_at
		FROM l.orgs o JOIN l.org_search s ON s.org_id = o.id;
		COMMIT;
		ANALYZE main;
	SQL
fi

# 3. both servers
say "serving linli on $LINLI_ADDR and PocketBase on $PB_ADDR"
"$LINLI" serve --db "sqlite:$DB" --addr "$LINLI_ADDR" --rate-limits off >"$DIR/linli.log" 2>&1 &
LPID=$!
PIDS+=($LPID)
"$PB" serve --http "$PB_ADDR" --dir "$DIR/pb" --queryTimeout "$PB_QUERY_TIMEOUT" >"$DIR/pb.log" 2>&1 &
PPID_=$!
PIDS+=($PPID_)
wait_up "http://$LINLI_ADDR/healthz"
wait_up "http://$PB_ADDR/api/health"

# 4 and 5: counts checked equal, then timed
say "$LINLI_ORGS organizations, $(echo "$DISTRICTS" | tr , '\n' | wc -l) districts, as $USER_CITY; $N requests a row, $C connections, $WARM warm-up"
"$DIR/bin/peer" -linli "http://$LINLI_ADDR" -pb "http://$PB_ADDR" -user "$USER_CITY" \
	-pb-email "$PB_EMAIL" -pb-password "$PB_PASSWORD" -linli-pid "$LPID" -pb-pid "$PPID_" \
	-districts "$DISTRICTS" -ids "$IDS" -n "$N" -c "$C" -warm "$WARM" -hz "$(getconf CLK_TCK)" -only "$ONLY" \
	|| die "see above (servers' logs: $DIR/linli.log, $DIR/pb.log)"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $LINLI_ORGS organizations, linli $(git -C "$ROOT" rev-parse --short HEAD), PocketBase $PB_VERSION, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "dataset kept in $DIR (peer.db, pb/): a run again reuses it; remove it to regenerate"
