#!/bin/bash
# The IMAP connector against a real Dovecot started here on loopback:
# mailbox add/list/test/remove, initial sync, nothing marked \Seen, the report
# equal to the report of the same mail imported from an mbox, new mail,
# expunge and move noticed with QRESYNC, a UIDVALIDITY change, STARTTLS,
# plain text, LOGIN and XOAUTH2, a wrong password, untrusted and
# misnamed certificates, replytime killed mid-sync, the server stopped
# mid-sync, and IDLE.  Prints TAP.
set -u
rt=${RT:?}
src=${RT_SOURCE_DIR:?}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
. "$src/tests/cli/lib/dovecot.sh"
tmp=$(mktemp -d)
watcher= proxy=
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	[ -n "$proxy" ] && kill "$proxy" 2>/dev/null
	dovecot_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"

mkdir -p "$tmp/keys" "$tmp/db"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db
dovecot_start "$tmp/dv" || { echo "1..0 # SKIP dovecot did not start"; exit 77; }

"$rt" key init 2>/dev/null
"$rt" tenant create --db "$db" --tenant acme 2>/dev/null
"$rt" tenant create --db "$db" --tenant files 2>/dev/null
"$rt" demo-data --messages 400 --seed 5 --out "$tmp/demo" 2>/dev/null
mbox=$tmp/demo/demo.mbox ini=$tmp/demo/replytime.ini
dv_maildir_fill INBOX "$mbox"
printf '%s\n' "$DV_PASS" > "$tmp/pw"
printf 'wrong-%s\n' "$DV_PASS" > "$tmp/badpw"
add() { "$rt" mailbox add --db "$db" --tenant acme --password-file "$tmp/pw" "$@"; }
sync1() { "$rt" sync --db "$db" --tenant acme --retries 0 "$@"; }
count() { "$rt" report --db "$db" --tenant acme --config "$ini" --format json 2>/dev/null | jq '.totals.messages + .totals.duplicates'; }

# Adding and testing.
id=$(add --imap "127.0.0.1:$DV_IMAPS" --user alice --ca-file "$DV_CA" 2> "$tmp/err")
ok $? "mailbox add (TLS, own CA file)"
[ "$id" = 1 ]; ok $? "prints the new mailbox id"
! grep -aq "s3cret" "$db" "$db-wal" 2>/dev/null; ok $? "the password is not in the database in the clear"
"$rt" mailbox add --db "$db" --tenant acme --imap "127.0.0.1:$DV_IMAPS" --user alice --password-file "$tmp/pw" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "has this address" "$tmp/err"; ok $? "the same address twice is refused"
"$rt" mailbox list --db "$db" --tenant acme | awk -F'\t' '$1 == 1 && $4 == "new" && $5 == "-"' | grep -q .
ok $? "list: state new before the first sync"
"$rt" mailbox test --db "$db" --tenant acme 1 > "$tmp/out" 2>&1; ok $? "mailbox test"
grep -q "QRESYNC: yes" "$tmp/out" && grep -q "would sync: INBOX" "$tmp/out" && grep -q "would sync: Sent" "$tmp/out"
ok $? "test reports capabilities and picks INBOX and the \\Sent folder"
! grep -q "s3cret" "$tmp/out"; ok $? "test never prints the password"
[ "$(count)" = 0 ]; ok $? "test stored nothing"

# Initial sync.
sync1 2> "$tmp/err"; ok $? "initial sync"
grep -q "400 headers fetched, 400 new" "$tmp/err"; ok $? "400 headers fetched and stored"
[ "$(count)" = 400 ]; ok $? "400 messages in the store"
[ "$(dv_doveadm fetch -u alice flags ALL | grep -c 'Seen')" = 0 ]; ok $? "no message became \\Seen"
grep -q "body_count=0" "$tmp/dv/dovecot.log" && ! grep -q "body_count=[1-9]" "$tmp/dv/dovecot.log"
ok $? "the server sent no body (its own log)"
"$rt" mailbox list --db "$db" --tenant acme > "$tmp/list"
awk -F'\t' '$1 == 1 && $4 == "ok" && $5 != "-"' "$tmp/list" | grep -q .; ok $? "list: state ok with a last sync time"

# Same report as the same mail imported from the mbox.
"$rt" import --db "$db" --tenant files "$mbox" 2>/dev/null
"$rt" report --db "$db" --tenant acme --config "$ini" --format json > "$tmp/r-imap.json" 2>/dev/null
"$rt" report --db "$db" --tenant files --config "$ini" --format json > "$tmp/r-file.json" 2>/dev/null
jq -S . "$tmp/r-imap.json" > "$tmp/a"; jq -S . "$tmp/r-file.json" > "$tmp/b"
[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b"; ok $? "report after IMAP sync equals report of the mbox import"
"$rt" report --db "$db" --tenant acme --config "$ini" > "$tmp/t-imap" 2>/dev/null
"$rt" report --db "$db" --tenant files --config "$ini" > "$tmp/t-file" 2>/dev/null
cmp -s "$tmp/t-imap" "$tmp/t-file"; ok $? "text reports equal too"

# Incremental: nothing new, then new mail.
sync1 2> "$tmp/err"; grep -q "0 headers fetched, 0 new" "$tmp/err"; ok $? "second sync fetches nothing"
"$rt" demo-data --messages 3 --seed 9 2>/dev/null | awk '/^From / && n++ { exit } NR > 1' > "$tmp/one.eml"
dv_deliver INBOX < "$tmp/one.eml"
dv_deliver Sent < "$tmp/one.eml"
sync1 2> "$tmp/err"; grep -q "2 headers fetched, 2 new" "$tmp/err"; ok $? "new mail in INBOX and Sent fetched"
[ "$(count)" = 402 ]; ok $? "402 stored"

# Expunge and move, noticed through QRESYNC.
dv_doveadm expunge -u alice mailbox INBOX uid 5
dv_doveadm move -u alice Archive mailbox INBOX uid 6:7
sync1 2> "$tmp/err"; grep -q "0 new, 3 deleted" "$tmp/err"; ok $? "one expunged and two moved messages deleted"
[ "$(count)" = 399 ]; ok $? "399 stored"

# UIDVALIDITY change: Sent deleted and made again with other mail.
dv_doveadm mailbox delete -u alice Sent
dv_doveadm mailbox create -u alice Sent
dv_deliver Sent < "$tmp/one.eml"
"$rt" demo-data --messages 3 --seed 10 2>/dev/null | awk '/^From / && n++ { exit } NR > 1' | dv_deliver Sent
sync1 2> "$tmp/err"
grep -q "UIDVALIDITY changed" "$tmp/err" && grep -q "2 new, 1 deleted" "$tmp/err"; ok $? "UIDVALIDITY change: folder resynced in full"
[ "$(count)" = 400 ]; ok $? "400 stored"

# Security modes and login methods.
id=$(add --imap "127.0.0.1:$DV_IMAP" --security starttls --user alice --address st@x.example --ca-file "$DV_CA" --folder INBOX 2>/dev/null)
sync1 --mailbox "$id" 2> "$tmp/err"; ok $? "STARTTLS on port 143 style"
grep -q "method=PLAIN.*TLS" "$tmp/dv/dovecot.log"; ok $? "logged in with AUTHENTICATE PLAIN over TLS"
id=$(add --imap "127.0.0.1:$DV_IMAP" --security plain --user alice --address pl@x.example --folder INBOX 2> "$tmp/err")
grep -q "warning:.*no TLS" "$tmp/err"; ok $? "plain text: a warning at add"
sync1 --mailbox "$id" 2>/dev/null; ok $? "plain text works when asked for"
"$rt" mailbox list --db "$db" --tenant acme | grep -q "pl@x.example.*WARNING: no TLS"; ok $? "plain text: a warning in the list"
id=$(add --imap "127.0.0.1:$DV_IMAPS" --auth login --user alice --address lg@x.example --ca-file "$DV_CA" --folder INBOX 2>/dev/null)
sync1 --mailbox "$id" 2>/dev/null; ok $? "LOGIN command"
id=$(add --imap "127.0.0.1:$DV_IMAPS" --auth xoauth2 --user alice --address xo@x.example --ca-file "$DV_CA" --folder INBOX 2>/dev/null)
sync1 --mailbox "$id" 2>/dev/null && grep -q "method=XOAUTH2" "$tmp/dv/dovecot.log"; ok $? "XOAUTH2 (Dovecot checks the token as the static password)"
id=$(add --imap "127.0.0.1:$DV_IMAPS" --auth oauthbearer --user alice --address ob@x.example --ca-file "$DV_CA" --folder INBOX 2>/dev/null)
sync1 --mailbox "$id" 2>/dev/null && grep -q "method=OAUTHBEARER" "$tmp/dv/dovecot.log"; ok $? "OAUTHBEARER"

# Failures: the mailbox goes to state error with a clear reason.
id=$("$rt" mailbox add --db "$db" --tenant acme --password-file "$tmp/badpw" --imap "127.0.0.1:$DV_IMAPS" --user alice --address bad@x.example --ca-file "$DV_CA" 2>/dev/null)
sync1 --mailbox "$id" 2> "$tmp/err"; [ $? -eq 1 ]; ok $? "wrong password: sync fails"
"$rt" mailbox list --db "$db" --tenant acme > "$tmp/list"
grep "bad@x.example" "$tmp/list" | grep -q "error.*authentication failed (server said: \[AUTHENTICATIONFAILED\]"
ok $? "wrong password: state error, reason from the server"
! grep -q "s3cret" "$tmp/list" "$tmp/err"; ok $? "the reason never holds the password"
"$rt" mailbox test --db "$db" --tenant acme bad@x.example > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "authentication failed" "$tmp/out" && ! grep -q "s3cret" "$tmp/out"
ok $? "mailbox test with a wrong password fails, without the password"
id=$(add --imap "127.0.0.1:$DV_IMAPS" --user alice --address ca@x.example 2>/dev/null)
sync1 --mailbox "$id" 2> "$tmp/err"; [ $? -eq 1 ] && grep -q "certificate not trusted" "$tmp/err"
ok $? "untrusted certificate (system CAs) refused"
id=$(add --imap "localhost:$DV_IMAPS" --user alice --address nm@x.example --ca-file "$DV_CA" 2>/dev/null)
sync1 --mailbox "$id" 2> "$tmp/err"; [ $? -eq 1 ] && grep -q "certificate not trusted: hostname mismatch" "$tmp/err"
ok $? "certificate for another name refused"
"$rt" mailbox list --db "$db" --tenant acme | grep "nm@x.example" | grep -q "error.*configuration: .*certificate"
ok $? "certificate failure shown in the list"
c0=$(count)
"$rt" mailbox remove --db "$db" --tenant acme pl@x.example 2> "$tmp/err"; ok $? "mailbox remove"
! "$rt" mailbox list --db "$db" --tenant acme | grep -q "pl@x.example" && [ "$(count)" -lt "$c0" ]
ok $? "the mailbox and the messages read from it are gone ($c0 -> $(count))"
"$rt" mailbox remove --db "$db" --tenant acme pl@x.example 2> "$tmp/err"; [ $? -eq 1 ] && grep -q "no mailbox" "$tmp/err"
ok $? "removing it again: no such mailbox"

# Cut mid-sync: replytime killed, then the server stopped.  A relay
# slows the server's replies to about 1 MB/s so the cut lands inside the
# FETCH stream, after some batches were committed and before the last.
"$rt" demo-data --messages 6000 --seed 21 --out "$tmp/big" 2>/dev/null
dv_maildir_fill INBOX "$tmp/big/demo.mbox" bob
python3 "$src/tests/cli/lib/slowproxy.py" "$DV_IMAPS" 1000000 > "$tmp/proxy" & proxy=$!
for _ in $(seq 50); do [ -s "$tmp/proxy" ] && break; sleep 0.05; done
pport=$(head -1 "$tmp/proxy")
bigcount() { "$rt" report --db "$db" --tenant big --config "$ini" --format json 2>/dev/null | jq '.totals.messages + .totals.duplicates'; }
bigmailbox() {
	"$rt" tenant delete --db "$db" --tenant big --yes >/dev/null 2>&1
	"$rt" tenant create --db "$db" --tenant big 2>/dev/null
	"$rt" mailbox add --db "$db" --tenant big --password-file "$tmp/pw" --imap "127.0.0.1:$pport" --user bob --ca-file "$DV_CA" --folder INBOX >/dev/null 2>&1
}
# Wait until some batches are committed (at most 10 s).
rows() { python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1], timeout=10).execute("select count(*) from messages m join tenants t on t.id = m.tenant_id where t.name = ?", ("big",)).fetchone()[0])' "$db"; }
wait_some() { for _ in $(seq 400); do c=$(rows); [ "${c:-0}" -gt 0 ] && return 0; sleep 0.02; done; return 1; }
bigmailbox
"$rt" sync --db "$db" --tenant big --retries 0 2>/dev/null & pid=$!
wait_some; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
c1=$(bigcount)
echo "# replytime killed after $c1 of 6000 messages were committed"
[ "$c1" -gt 0 ] && [ "$c1" -lt 6000 ]; ok $? "kill -9 landed mid-sync"
"$rt" sync --db "$db" --tenant big 2> "$tmp/err"; ok $? "sync after kill -9"
[ "$(bigcount)" = 6000 ]; ok $? "6000 stored after the resume: nothing lost, nothing twice"
# The server stopped and the path to it cut: the relay is killed first,
# or the megabytes the kernel already holds from the server would trickle
# on while Dovecot takes its seconds to stop.
bigmailbox
"$rt" sync --db "$db" --tenant big --retries 0 2> "$tmp/err" & pid=$!
wait_some; kill -9 $proxy; wait $proxy 2>/dev/null; dovecot_stop; wait $pid; rc=$?
c2=$(bigcount)
echo "# server stopped after $c2 of 6000 messages were committed"
[ $rc -eq 1 ] && [ "$c2" -gt 0 ] && [ "$c2" -lt 6000 ]; ok $? "server stopped mid-FETCH: the sync fails"
"$rt" mailbox list --db "$db" --tenant big | grep -q "error.*network: "; ok $? "state error with a network reason"
dovecot_restart
python3 "$src/tests/cli/lib/slowproxy.py" "$DV_IMAPS" 1000000 "$pport" > "$tmp/proxy" & proxy=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$pport") 2>/dev/null && break; sleep 0.05; done
"$rt" sync --db "$db" --tenant big 2> "$tmp/err"; ok $? "sync after the server came back"
[ "$(bigcount)" = 6000 ]; ok $? "6000 stored: nothing lost, nothing twice"
"$rt" mailbox list --db "$db" --tenant big | grep -q "	ok	"; ok $? "state back to ok"
kill $proxy

# IDLE: new mail is stored within seconds.
: > "$tmp/watch"
"$rt" sync --db "$db" --tenant acme --mailbox 1 --watch 2> "$tmp/watch" & watcher=$!
for _ in $(seq 100); do grep -q "synced" "$tmp/watch" && break; sleep 0.1; done
before=$(count)
start=$(date +%s.%N)
dv_deliver INBOX < "$tmp/one.eml"
for _ in $(seq 100); do [ "$(grep -c synced "$tmp/watch")" -ge 2 ] && break; sleep 0.05; done
end=$(date +%s.%N)
grep synced "$tmp/watch" | tail -1 | grep -q "1 new"; ok $? "IDLE: the new message was synced"
echo "# stored $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s after delivery"
awk -v a="$start" -v b="$end" 'BEGIN { exit !(b - a < 5) }'; ok $? "within 5 seconds"
kill -TERM $watcher; wait $watcher; rc=$?; watcher=
[ $rc -eq 0 ] || [ $rc -eq 1 ]; ok $? "watch stops on SIGTERM"
[ "$(count)" = $((before + 1)) ]; ok $? "one more message stored"
[ "$(dv_doveadm fetch -u alice flags ALL | grep -c 'Seen')" = 0 ]; ok $? "still no \\Seen anywhere"

echo "1..$n"
[ $bad -eq 0 ]
