#!/bin/bash
# Scan benchmarks (issue: foundation).  Needs ../shared/corpora (or
# RT_CORPORA) and the packages hyperfine and zstd.  Ratios compare CPU
# work on the same bytes: wc -l is the memory-speed baseline.
#
#  1. linux-raid.mbox (168 MB, 19.5k messages) and a 5x mbox built from it
#     with fresh message ids (842 MB), both in the page cache:
#     `replytime scan` against `wc -l` on the same file, in the same run.
#  2. a Maildir of 20,000 messages cut from the same corpus: messages/s.
#  3. peak memory (max RSS) of the 842 MB scan, and the .zst scan.
# Prints medians of RUNS runs (default 7) and the ratios: wall time, and
# CPU time (user + system, hyperfine's means, of all threads: a long
# mailbox is parsed on a second thread beside the splitting); user time
# alone is shown beside it.  "one core" is the scan held to one CPU
# (taskset), both threads taking turns on it.
# RT_BASE=another replytime binary (say, main's) adds it to the same
# hyperfine runs of step 1, so both face the same load: its ratios are
# printed under "base".
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
corpora=${RT_CORPORA:-$root/../shared/corpora}
rt=${RT:-$root/build/replytime}
base=${RT_BASE:-}
runs=${RUNS:-7}
out=$root/bench/out
mkdir -p "$out"

[ -f "$corpora/linux-raid.mbox.zst" ] || { echo "bench: no corpora at $corpora: skipped"; exit 0; }
"$root/scripts/deps.sh" bench
[ -x "$rt" ] || { echo "bench: build first (make build)"; exit 1; }
[ -z "$base" ] || [ -x "$base" ] || { echo "bench: RT_BASE $base is no binary"; exit 1; }

lr=$out/linux-raid.mbox big=$out/big.mbox md=$out/maildir
[ -f "$lr" ] || zstd -q -dc "$corpora/linux-raid.mbox.zst" > "$lr"
if [ ! -f "$big" ]; then
	cp "$lr" "$big"
	for i in 1 2 3 4; do
		# Fresh ids so the copies are new messages, not duplicates.
		sed -E "s/^((Message-I[dD]|In-Reply-To|References):.*)>/\1.r$i>/" "$lr" >> "$big"
	done
fi
if [ ! -d "$md/cur" ]; then
	mkdir -p "$md/cur" "$md/new" "$md/tmp"
	awk -v dir="$md/cur" '
		/^From / && (prev == "" || NR == 1) { if (f) close(f); n++;
			if (n > 20000) exit; f = sprintf("%s/%010d.%06d.bench:2,S", dir, 1700000000 + n, n); next }
		{ print > f; prev = $0 }' "$big"
fi
cat "$lr" "$big" > /dev/null
find "$md" -type f -exec cat {} + > /dev/null

median() {	# $1: hyperfine csv, $2: row (1-based) -> median seconds
	awk -F, -v r="$2" 'NR == r + 1 { print $4 }' "$1"
}
user() {	# the same -> mean user seconds
	awk -F, -v r="$2" 'NR == r + 1 { print $5 }' "$1"
}
cpu() {		# the same -> mean user + system seconds
	awk -F, -v r="$2" 'NR == r + 1 { print $5 + $6 }' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v bytes="$1" -v s="$2" 'BEGIN { printf "%.2f", bytes / s / 1e9 }'; }

for f in "$lr" "$big"; do
	size=$(stat -L -c %s "$f")
	name=$(basename "$f")
	# Some machines drop cached pages within seconds (seen on a shared
	# virtual machine): every run reads the file first, so both
	# commands always read it from the page cache.
	set -- -n "wc -l" "wc -l $f" \
	    -n "replytime scan" "$rt scan --quiet --format jsonl $f > /dev/null"
	[ -z "$base" ] || set -- "$@" -n "base scan" \
	    "$base scan --quiet --format jsonl $f > /dev/null"
	hyperfine -w 2 -r "$runs" --export-csv "$out/$name.csv" \
	    --prepare "cat $f > /dev/null" "$@" >/dev/null
	wc_s=$(median "$out/$name.csv" 1); rt_s=$(median "$out/$name.csv" 2)
	wc_c=$(cpu "$out/$name.csv" 1); rt_c=$(cpu "$out/$name.csv" 2)
	printf '%-18s %6.0f MB  wc -l %.3f s (%s GB/s)  scan %.3f s (%s GB/s)  scan/wc %sx\n' \
	    "$name" "$(awk -v s="$size" 'BEGIN{print s/1e6}')" "$wc_s" "$(rate "$size" "$wc_s")" \
	    "$rt_s" "$(rate "$size" "$rt_s")" "$(ratio "$rt_s" "$wc_s")"
	printf '%-18s   CPU  wc -l %.3f s (user %.3f)  scan %.3f s (user %.3f)  scan/wc %sx\n' \
	    "" "$wc_c" "$(user "$out/$name.csv" 1)" "$rt_c" "$(user "$out/$name.csv" 2)" \
	    "$(ratio "$rt_c" "$wc_c")"
	[ -n "$base" ] || continue
	b_s=$(median "$out/$name.csv" 3); b_c=$(cpu "$out/$name.csv" 3)
	printf '%-18s   base scan %.3f s  CPU %.3f s (user %.3f)  scan/wc %sx  CPU %sx\n' \
	    "" "$b_s" "$b_c" "$(user "$out/$name.csv" 3)" "$(ratio "$b_s" "$wc_s")" \
	    "$(ratio "$b_c" "$wc_c")"
done

# On one core: the speed with no second core to parse on.
hyperfine -w 1 -r "$runs" --export-csv "$out/onecore.csv" --prepare "cat $big > /dev/null" \
    -n "scan on one core" "taskset -c 0 $rt scan --quiet --format jsonl $big > /dev/null" >/dev/null
printf '%-18s   one core: scan %.3f s (%s GB/s)\n' "" "$(median "$out/onecore.csv" 1)" \
    "$(rate "$(stat -L -c %s "$big")" "$(median "$out/onecore.csv" 1)")"

n=$(find "$md/cur" -type f | wc -l)
hyperfine -w 1 -r "$runs" --export-csv "$out/maildir.csv" \
    -n "replytime scan maildir" "$rt scan --quiet $md > /dev/null" >/dev/null
md_s=$(median "$out/maildir.csv" 1)
printf 'maildir            %d messages  scan %.3f s  %.0f messages/s\n' "$n" "$md_s" \
    "$(awk -v n="$n" -v s="$md_s" 'BEGIN{print n/s}')"

# The .zst is decoded on a thread of its own (win_ahead), beside the
# parsing: scan wall time against zstd -dc alone.
set -- -n "scan .zst" "$rt scan --quiet $corpora/linux-raid.mbox.zst > /dev/null" \
    -n "zstd -dc" "zstd -q -dc $corpora/linux-raid.mbox.zst > /dev/null"
[ -z "$base" ] || set -- "$@" -n "base scan .zst" \
    "$base scan --quiet $corpora/linux-raid.mbox.zst > /dev/null"
hyperfine -w 1 -r "$runs" --export-csv "$out/zst.csv" "$@" >/dev/null
printf 'linux-raid.mbox.zst  scan %.3f s (CPU %.3f s)  zstd -dc alone %.3f s\n' \
    "$(median "$out/zst.csv" 1)" "$(cpu "$out/zst.csv" 1)" "$(median "$out/zst.csv" 2)"
[ -z "$base" ] || printf '                     base scan %.3f s (CPU %.3f s)  base/scan %sx\n' \
    "$(median "$out/zst.csv" 3)" "$(cpu "$out/zst.csv" 3)" \
    "$(ratio "$(median "$out/zst.csv" 3)" "$(median "$out/zst.csv" 1)")"

/usr/bin/time -f '%M' -o "$out/rss.txt" "$rt" scan --quiet "$big" > /dev/null 2>&1
printf 'peak memory scanning %s (%d MB): %s KB (max RSS)\n' "$(basename "$big")" \
    "$(($(stat -L -c %s "$big") / 1000000))" "$(tail -n 1 "$out/rss.txt")"
