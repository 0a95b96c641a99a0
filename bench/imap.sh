#!/bin/bash
# IMAP benchmark (issue: the IMAP connector): the initial sync of a
# mailbox of N (default 100,000) messages from a local Dovecot into a
# fresh store, over TLS and over plain text, against `doveadm fetch` of
# the same header fields in the same run (the server's own speed: the
# limit for any client).  The target: at least half of doveadm's rate.
# Dovecot's index is built before timing, so neither side pays for it.
# RUNS (default 3) runs each, medians (hyperfine).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
rt=${RT:-$root/build/replytime}
runs=${RUNS:-3}
msgs=${MESSAGES:-100000}
out=$root/bench/out/imap
rm -rf "$out"
mkdir -p "$out/keys" "$out/db"
"$root/scripts/deps.sh" bench
RT_SOURCE_DIR=$root
. "$root/tests/cli/lib/dovecot.sh"
trap dovecot_stop EXIT
export REPLYTIME_KEY_FILE=$out/keys/bench.key
"$rt" key init 2>/dev/null
dovecot_start "$out/dv"
"$rt" demo-data --messages "$msgs" --seed 1 --out "$out/demo" >/dev/null 2>&1
dv_maildir_fill INBOX "$out/demo/demo.mbox"
dv_doveadm fetch -u "$DV_USER" uid ALL > /dev/null	# build the index
printf '%s\n' "$DV_PASS" > "$out/pw"

# The same fields as replytime's UID FETCH (meta_parse's list).
fields=$(printf 'hdr.%s ' from sender to cc subject date message-id \
    in-reply-to references received auto-submitted precedence x-autoreply \
    x-autorespond return-path list-id list-unsubscribe list-post thread-index)
db=$out/db/rt.db
prep() {	# $1: security, $2: port
	echo "rm -rf $out/db && mkdir -p $out/db && $rt tenant create --db $db --tenant b 2>/dev/null && $rt mailbox add --db $db --tenant b --imap 127.0.0.1:$2 --security $1 --user $DV_USER --password-file $out/pw --ca-file $DV_CA --folder INBOX >/dev/null 2>&1"
}
hyperfine -w 1 -r "$runs" --export-csv "$out/imap.csv" \
    --prepare true -n doveadm "doveadm -c $DV_CONF fetch -u $DV_USER 'uid $fields' ALL > /dev/null" \
    --prepare "$(prep tls "$DV_IMAPS")" -n "sync tls" "$rt sync --db $db --tenant b 2>/dev/null" \
    --prepare "$(prep plain "$DV_IMAP")" -n "sync plain" "$rt sync --db $db --tenant b 2>/dev/null" \
    >/dev/null
"$rt" report --db "$db" --tenant b --config "$out/demo/replytime.ini" --format json 2>/dev/null |
    jq -e ".totals.messages + .totals.duplicates == $msgs" > /dev/null ||
    { echo "imap bench: the store does not hold $msgs messages" >&2; exit 1; }
med() { awk -F, -v r="$1" 'NR == r + 1 { print $4 }' "$out/imap.csv"; }
usr() { awk -F, -v r="$1" 'NR == r + 1 { print $5 }' "$out/imap.csv"; }
d=$(med 1) t=$(med 2) p=$(med 3)
printf 'doveadm fetch of the same header fields: %.2f s, %.0f messages/s (user %.2f s)\n' \
    "$d" "$(awk -v n="$msgs" -v s="$d" 'BEGIN { print n / s }')" "$(usr 1)"
for r in "tls $t 2" "plain $p 3"; do
	set -- $r
	printf 'replytime sync (%s) into a fresh store: %.2f s, %.0f messages/s (user %.2f s): %.2f of doveadm'"'"'s rate\n' \
	    "$1" "$2" "$(awk -v n="$msgs" -v s="$2" 'BEGIN { print n / s }')" "$(usr "$3")" \
	    "$(awk -v a="$d" -v b="$2" 'BEGIN { print a / b }')"
done
echo "($msgs messages, medians of $runs runs; the machine is shared and may be busy)"
