#!/bin/bash
# Report benchmarks (issue: reply-time engine).
#  1. replytime report over linux-raid.mbox (168 MB, 19.5k messages, in the
#     page cache) against `wc -l` on the same file.
#  2. replytime report over 1,000,000 demo messages (demo-data) against
#     `wc -l` on the same file.
#  3. peak memory (max RSS) for 250k, 500k and 1M demo messages: the
#     growth per message.
# Medians of RUNS runs (default 5).  Needs hyperfine (scripts/deps.sh bench).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
corpora=${RT_CORPORA:-$root/../shared/corpora}
rt=${RT:-$root/build/replytime}
runs=${RUNS:-5}
out=$root/bench/out
mkdir -p "$out"
"$root/scripts/deps.sh" bench
[ -x "$rt" ] || { echo "bench: build first (make build)"; exit 1; }

median() { awk -F, -v r="$2" 'NR == r + 1 { print $4 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

if [ -f "$corpora/linux-raid.mbox.zst" ]; then
	lr=$out/linux-raid.mbox
	[ -f "$lr" ] || zstd -q -dc "$corpora/linux-raid.mbox.zst" > "$lr"
	cat "$lr" > /dev/null
	hyperfine -w 2 -r "$runs" --export-csv "$out/report-lr.csv" \
	    -n "wc -l" "wc -l $lr" \
	    -n "report" "$rt report --format json $lr > /dev/null 2>&1" >/dev/null
	w=$(median "$out/report-lr.csv" 1); r=$(median "$out/report-lr.csv" 2)
	printf 'linux-raid report: %.3f s (wc -l %.3f s, ratio %sx)\n' "$r" "$w" "$(ratio "$r" "$w")"
else
	echo "linux-raid report: skipped (no corpora at $corpora)"
fi

for n in 250000 500000 1000000; do
	d=$out/demo-$n
	[ -f "$d/demo.mbox" ] || "$rt" demo-data --messages "$n" --seed 1 --out "$d" >/dev/null
done
d=$out/demo-1000000
cat "$d/demo.mbox" > /dev/null
hyperfine -w 1 -r "$runs" --export-csv "$out/report-1m.csv" \
    -n "wc -l" "wc -l $d/demo.mbox" \
    -n "report" "$rt report --config $d/replytime.ini --format json $d/demo.mbox > /dev/null" >/dev/null
w=$(median "$out/report-1m.csv" 1); r=$(median "$out/report-1m.csv" 2)
printf '1M demo messages (%s MB) report: %.3f s (wc -l %.3f s, ratio %sx)\n' \
    "$(($(stat -c %s "$d/demo.mbox") / 1000000))" "$r" "$w" "$(ratio "$r" "$w")"

prev_n=0 prev_kb=0
for n in 250000 500000 1000000; do
	d=$out/demo-$n
	/usr/bin/time -f '%M' -o "$out/rss-$n.txt" "$rt" report --config "$d/replytime.ini" \
	    --format json "$d/demo.mbox" > /dev/null 2>&1
	kb=$(tail -n 1 "$out/rss-$n.txt")
	if [ "$prev_n" -gt 0 ]; then
		per=$(awk -v a="$kb" -v b="$prev_kb" -v n="$n" -v m="$prev_n" 'BEGIN { printf "%.0f", (a - b) * 1024 / (n - m) }')
		printf 'peak memory %7d messages: %6d KB (+%s bytes per message since %d)\n' "$n" "$kb" "$per" "$prev_n"
	else
		printf 'peak memory %7d messages: %6d KB\n' "$n" "$kb"
	fi
	prev_n=$n prev_kb=$kb
done
