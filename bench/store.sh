#!/bin/bash
# Store benchmarks (issue: the store).
#  1. import of the linux-raid corpus and of 1,000,000 demo messages into a
#     fresh database, including encryption, against `replytime scan` of the
#     same input in the same run: messages/s and the ratio, by the clock
#     (wall) and per core (CPU time, user + system, of all threads);
#  2. report from the store of 1M messages (json), against the report
#     from the file;
#  3. database size per message.
# RUNS (default 3) imports each, medians.  Needs the demo data of
# bench/report.sh (it makes it) and hyperfine.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
corpora=${RT_CORPORA:-$root/../shared/corpora}
rt=${RT:-$root/build/replytime}
runs=${RUNS:-3}
out=$root/bench/out
mkdir -p "$out/keys"
"$root/scripts/deps.sh" bench
export REPLYTIME_KEY_FILE=$out/keys/bench.key
[ -f "$REPLYTIME_KEY_FILE" ] || "$rt" key init 2>/dev/null
d=$out/demo-1000000
[ -f "$d/demo.mbox" ] || "$rt" demo-data --messages 1000000 --seed 1 --out "$d" >/dev/null 2>&1
lr=$out/linux-raid.mbox
[ -f "$lr" ] || [ ! -f "$corpora/linux-raid.mbox.zst" ] || zstd -q -dc "$corpora/linux-raid.mbox.zst" > "$lr"

median() { awk -F, -v r="$2" 'NR == r + 1 { print $4 }' "$1"; }
cpu() { awk -F, -v r="$2" 'NR == r + 1 { print $5 + $6 }' "$1"; }	# mean user + sys
one() {	# $1: name, $2: mbox, $3: messages
	local db=$out/db-$1/rt.db
	cat "$2" > /dev/null
	hyperfine -w 1 -r "$runs" --export-csv "$out/store-$1.csv" \
	    -n scan "$rt scan --quiet $2 > /dev/null" >/dev/null
	hyperfine -r "$runs" --export-csv "$out/store-$1-imp.csv" \
	    --prepare "rm -rf $out/db-$1 && mkdir -p $out/db-$1 && $rt tenant create --db $db --tenant b 2>/dev/null" \
	    -n import "$rt import --db $db --tenant b $2 2>/dev/null" >/dev/null
	local imp scan icpu scpu
	imp=$(median "$out/store-$1-imp.csv" 1); scan=$(median "$out/store-$1.csv" 1)
	icpu=$(cpu "$out/store-$1-imp.csv" 1); scpu=$(cpu "$out/store-$1.csv" 1)
	printf '%-12s import %.3f s (%.0f messages/s), scan %.3f s: import/scan %.1fx\n' \
	    "$1" "$imp" "$(awk -v n="$3" -v s="$imp" 'BEGIN{print n/s}')" "$scan" \
	    "$(awk -v a="$imp" -v b="$scan" 'BEGIN{print a/b}')"
	printf '%-12s import CPU %.3f s (%.0f messages/s per core), scan CPU %.3f s\n' \
	    "$1" "$icpu" "$(awk -v n="$3" -v s="$icpu" 'BEGIN{print n/s}')" "$scpu"
	printf '%-12s database %.1f MB, %.0f bytes per message\n' "$1" \
	    "$(du -b "$out/db-$1/rt.db" | awk '{print $1/1e6}')" \
	    "$(du -b "$out/db-$1/rt.db" | awk -v n="$3" '{print $1/n}')"
}
[ -f "$lr" ] && one linux-raid "$lr" 19526
one demo-1m "$d/demo.mbox" 1000000
db=$out/db-demo-1m/rt.db
hyperfine -w 1 -r "$runs" --export-csv "$out/store-report.csv" \
    -n "report --db" "$rt report --db $db --tenant b --config $d/replytime.ini --format json > /dev/null" \
    -n "report file" "$rt report --config $d/replytime.ini --format json $d/demo.mbox > /dev/null" >/dev/null
printf 'report from the store (1M messages) %.3f s; from the file %.3f s\n' \
    "$(median "$out/store-report.csv" 1)" "$(median "$out/store-report.csv" 2)"
