#!/bin/bash
# IMAP end to end against a real Dovecot on loopback: mailbox add, sync of
# a few hundred messages (report equal to the report of the same mbox),
# nothing marked \Seen, incremental sync, new mail picked up, a wrong
# password leaves the mailbox in an error state without printing it, and
# untrusted or wrongly named certificates are refused.  Prints TAP.
set -u
rt=${RT:?}
here=$(cd "$(dirname "$0")" && pwd)
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
# shellcheck source=lib/dovecot.sh
. "$here/lib/dovecot.sh"
tmp=$(mktemp -d)
trap 'dovecot_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi; }
mkdir -p "$tmp/keys" "$tmp/db" "$tmp/out"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
unset REPLYTIME_IMAP_PASSWORD
db=$tmp/db/rt.db
msgs=400

dovecot_start "$tmp/dv" || { echo "Bail out! dovecot did not start"; exit 1; }
"$rt" demo-data --messages $msgs --seed 5 --out "$tmp/demo" 2>/dev/null
mbox=$tmp/demo/demo.mbox ini=$tmp/demo/replytime.ini
dv_maildir_fill INBOX "$mbox"
[ "$(ls "$DV_MAIL/cur" | wc -l)" -eq $msgs ]; ok $? "$msgs messages in the Maildir"

"$rt" key init 2>/dev/null
"$rt" tenant create --db "$db" --tenant acme 2>/dev/null
printf '%s\n' "$DV_PASS" > "$tmp/pw"
"$rt" mailbox add --db "$db" --tenant acme --imap "127.0.0.1:$DV_IMAPS" \
    --user "$DV_USER" --password-file "$tmp/pw" --ca-file "$DV_CA" \
    > "$tmp/out/add.out" 2> "$tmp/out/add.err"
ok $? "mailbox add (TLS, CA file)"
mb=$(cat "$tmp/out/add.out")
"$rt" mailbox test --db "$db" --tenant acme "$mb" > "$tmp/out/test.out" 2> "$tmp/out/test.err"
ok $? "mailbox test"
"$rt" mailbox list --db "$db" --tenant acme > "$tmp/out/list0.out" 2>&1
awk -F'\t' -v id="$mb" '$1 == id && $4 == "new"' "$tmp/out/list0.out" | grep -q .
ok $? "mailbox list: state new before the first sync"

# The first sync reads every message.
"$rt" sync --db "$db" --tenant acme > "$tmp/out/sync1.out" 2> "$tmp/out/sync1.err"
ok $? "sync"
grep -q " $msgs new," "$tmp/out/sync1.err"; ok $? "sync: $msgs new"
"$rt" mailbox list --db "$db" --tenant acme > "$tmp/out/list1.out" 2>&1
awk -F'\t' -v id="$mb" '$1 == id && $4 == "ok"' "$tmp/out/list1.out" | grep -q .
ok $? "mailbox list: state ok after the sync"
for fmt in json csv text; do
	"$rt" report --config "$ini" --format $fmt --now 2025-06-20 "$mbox" > "$tmp/file.$fmt" 2>/dev/null
	"$rt" report --db "$db" --tenant acme --config "$ini" --format $fmt --now 2025-06-20 > "$tmp/db.$fmt" 2>/dev/null
	[ -s "$tmp/db.$fmt" ] && cmp -s "$tmp/file.$fmt" "$tmp/db.$fmt"
	ok $? "report from the synced store equals the report of the mbox ($fmt)"
done
seen=$(dv_doveadm fetch -u "$DV_USER" flags ALL 2>/dev/null | grep -c 'Seen')
total=$(dv_doveadm fetch -u "$DV_USER" uid ALL 2>/dev/null | grep -c '^uid:')
[ "$total" -eq $msgs ] && [ "$seen" -eq 0 ]; ok $? "no message became \\Seen ($seen of $total)"

# Incremental: nothing new, then one new message.
"$rt" sync --db "$db" --tenant acme 2> "$tmp/out/sync2.err" > /dev/null
ok $? "second sync"
grep -q " 0 headers fetched, 0 new," "$tmp/out/sync2.err"; ok $? "second sync fetches and adds nothing"
"$rt" demo-data --messages 1 --seed 77 2>/dev/null | sed 1d | dv_deliver INBOX
"$rt" sync --db "$db" --tenant acme 2> "$tmp/out/sync3.err" > /dev/null
grep -q " 1 headers fetched, 1 new," "$tmp/out/sync3.err"; ok $? "new mail: the next sync fetches just it"
"$rt" report --db "$db" --tenant acme --config "$ini" --format json 2>/dev/null |
    jq -e ".totals.messages + .totals.duplicates == $((msgs + 1))" > /dev/null
ok $? "$((msgs + 1)) messages stored"

# The folder renumbered (new UIDVALIDITY): a full resync, nothing lost or doubled.
dv_doveadm mailbox update -u "$DV_USER" --uid-validity 12345 INBOX
"$rt" sync --db "$db" --tenant acme 2> "$tmp/out/sync4.err" > /dev/null
grep -q "UIDVALIDITY changed" "$tmp/out/sync4.err" &&
    grep -q " $((msgs + 1)) headers fetched, $((msgs + 1)) new, $((msgs + 1)) deleted" "$tmp/out/sync4.err"
ok $? "UIDVALIDITY change: every message read again"
"$rt" report --db "$db" --tenant acme --config "$ini" --format json 2>/dev/null |
    jq -e ".totals.messages + .totals.duplicates == $((msgs + 1))" > /dev/null
ok $? "still $((msgs + 1)) messages stored"

# The server's IMAP processes killed in the middle of a sync: the next
# sync completes, and nothing is lost or stored twice.
big=20000
"$rt" demo-data --messages $big --seed 21 2>/dev/null |
    awk -v d="$DV_MAIL/new" '/^From / { if (f) close(f); n++; f = sprintf("%s/1700000100.M%07dP2.rt", d, n); next } { print > f }'
chown -R "$DV_UID:$DV_GID" "$DV_MAIL"
"$rt" sync --db "$db" --tenant acme --mailbox "$mb" --retries 0 > /dev/null 2> "$tmp/out/sync5.err" &
spid=$!
for _ in $(seq 200); do
	kids=$(ps -o pid= -o comm= --ppid "$(cat "$DV_DIR/run/master.pid")" | awk '$2 == "imap" { print $1 }')
	[ -n "$kids" ] && break
	sleep 0.01
done
sleep 0.05
[ -n "$kids" ] && kill -9 $kids 2>/dev/null
wait $spid; killed=$?
[ $killed -ne 0 ] && grep -q "failed" "$tmp/out/sync5.err"
ok $? "the server's imap process killed during the sync: the sync fails"
"$rt" sync --db "$db" --tenant acme --mailbox "$mb" --retries 0 > /dev/null 2> "$tmp/out/sync6.err"
ok $? "sync after the kill (first sync exit $killed)"
"$rt" report --db "$db" --tenant acme --config "$ini" --format json 2>/dev/null |
    jq -e ".totals.messages + .totals.duplicates == $((msgs + 1 + big))" > /dev/null
ok $? "$((msgs + 1 + big)) messages stored: none lost, none twice"
"$rt" sync --db "$db" --tenant acme --mailbox "$mb" 2> "$tmp/out/sync7.err" > /dev/null
grep -q " 0 headers fetched, 0 new," "$tmp/out/sync7.err"; ok $? "and the next sync adds nothing"

# A wrong password: error state, reason listed, the password nowhere.
wrong='Wr0ng-Secret.991'
printf '%s\n' "$wrong" > "$tmp/wpw"
"$rt" mailbox add --db "$db" --tenant acme --imap "127.0.0.1:$DV_IMAPS" \
    --user "$DV_USER" --address bad@example.test --password-file "$tmp/wpw" \
    --ca-file "$DV_CA" > "$tmp/out/addbad.out" 2> "$tmp/out/addbad.err"
bmb=$(cat "$tmp/out/addbad.out")
"$rt" sync --db "$db" --tenant acme --mailbox "$bmb" --retries 0 > "$tmp/out/syncbad.out" 2> "$tmp/out/syncbad.err"
[ $? -ne 0 ]; ok $? "sync with a wrong password fails"
"$rt" mailbox list --db "$db" --tenant acme > "$tmp/out/list2.out" 2>&1
awk -F'\t' -v id="$bmb" '$1 == id && $4 == "error" && $7 ~ /authentication failed/' "$tmp/out/list2.out" | grep -q .
ok $? "mailbox list: error state with the reason"
awk -F'\t' -v id="$mb" '$1 == id && $4 == "ok"' "$tmp/out/list2.out" | grep -q .
ok $? "the other mailbox is still ok"
"$rt" mailbox test --db "$db" --tenant acme "$bmb" > "$tmp/out/testbad.out" 2> "$tmp/out/testbad.err"
[ $? -ne 0 ]; ok $? "mailbox test with a wrong password fails"

# Certificates: not trusted (system CAs only), or not for this host name.
"$rt" mailbox add --db "$db" --tenant acme --imap "127.0.0.1:$DV_IMAPS" \
    --user "$DV_USER" --address untrusted@example.test --password-file "$tmp/pw" \
    > "$tmp/out/addu.out" 2> "$tmp/out/addu.err"
umb=$(cat "$tmp/out/addu.out")
"$rt" sync --db "$db" --tenant acme --mailbox "$umb" --retries 0 > "$tmp/out/syncu.out" 2> "$tmp/out/syncu.err"
[ $? -ne 0 ] && grep -qi 'certificate' "$tmp/out/syncu.err"
ok $? "a server certificate not signed by a trusted CA is refused"
"$rt" mailbox add --db "$db" --tenant acme --imap "localhost:$DV_IMAPS" \
    --user "$DV_USER" --address wronghost@example.test --password-file "$tmp/pw" \
    --ca-file "$DV_CA" > "$tmp/out/addh.out" 2> "$tmp/out/addh.err"
hmb=$(cat "$tmp/out/addh.out")
"$rt" sync --db "$db" --tenant acme --mailbox "$hmb" --retries 0 > "$tmp/out/synch.out" 2> "$tmp/out/synch.err"
[ $? -ne 0 ] && grep -qi 'certificate\|host\|name' "$tmp/out/synch.err"
ok $? "a certificate for another host name is refused"
"$rt" mailbox add --db "$db" --tenant acme --imap "127.0.0.1:$DV_IMAP" --security starttls \
    --user "$DV_USER" --address starttls@example.test --password-file "$tmp/pw" \
    --ca-file "$DV_CA" > "$tmp/out/adds.out" 2> "$tmp/out/adds.err"
smb=$(cat "$tmp/out/adds.out")
"$rt" mailbox test --db "$db" --tenant acme "$smb" > "$tmp/out/tests.out" 2> "$tmp/out/tests.err"; rc=$?; [ $rc -ne 0 ] && sed "s/^/# /" "$tmp/out/tests.err"; [ $rc -eq 0 ]
ok $? "STARTTLS with the CA file works"

# No password in any output or in the database files.
! grep -r -q -F -e "$DV_PASS" -e "$wrong" "$tmp/out"; ok $? "no password in any output"
! cat "$db"* | grep -a -q -F -e "$DV_PASS" -e "$wrong"; ok $? "no password in clear in the database files"

dovecot_stop
echo "1..$n"
[ $bad -eq 0 ]
