#!/bin/bash
# The dashboard's data export of a large tenant (issue: dashboard): the
# time to download messages.csv of the shared 1M-message tenant
# (bench/lib/store1m.sh), the server's peak memory (VmHWM) before and
# after, and the same table from `replytime export` for comparison (its
# time, and the files must be equal byte for byte).  RT= another binary
# to compare; MESSAGES= another size.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
rt=${RT:-$root/build/replytime}
msgs=${MESSAGES:-1000000}
out=$root/bench/out
. "$root/bench/lib/store1m.sh"
who=export
. "$root/bench/lib/serve.sh"
serve "$rt" "$tmp/serve.log"
spid=$pid
login "$url"
hwm() { awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$spid/status"; }
c "$url/export" > /dev/null
before=$(hwm)
t0=$(date +%s.%N)
code=$(curl -s -o "$tmp/messages.csv" -b "$tmp/jar" -w '%{http_code}' "$url/export" \
    --data-urlencode "csrf=$(csrf)" -d table=messages.csv)
t1=$(date +%s.%N)
[ "$code" = 200 ] || { echo "export: the download answered $code" >&2; exit 1; }
after=$(hwm)
t2=$(date +%s.%N)
"$rt" export --db "$db" --tenant v --out "$tmp/cli" 2>/dev/null
t3=$(date +%s.%N)
same=no
cmp -s "$tmp/messages.csv" "$tmp/cli/messages.csv" && same=yes
printf 'messages.csv of %d messages: %d MB; dashboard %.2f s, replytime export (all tables) %.2f s; equal: %s\n' \
    "$msgs" "$(($(stat -c %s "$tmp/messages.csv") / 1000000))" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')" "$same"
printf 'server peak memory (VmHWM): %d MB before the download, %d MB after\n' "$before" "$after"
[ "$same" = yes ]
