#!/bin/bash
# IMAP inside replytime serve, with a real Dovecot on loopback and curl:
# the Mailboxes page for owners and admins only, testing a connection
# from the form (right password, wrong password, untrusted certificate)
# with the reason shown and the password nowhere, adding a mailbox
# through the form, the server's scheduler syncing it (the overview API
# counts move), new mail within seconds (IDLE), sync now, a mailbox in
# error with its reason, network failures retried with backoff, another
# tenant's mailbox ids (404), the audit log, removal, a clean stop, and
# one worker for more mailboxes than it can hold with IDLE.  Prints TAP.
set -u
rt=${RT:?}
src=${RT_SOURCE_DIR:?}
for tool in curl jq sqlite3; do
	command -v $tool >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 77; }
done
. "$src/tests/cli/lib/dovecot.sh"
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
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
"$rt" demo-data --messages 300 --seed 5 --out "$tmp/demo" 2>/dev/null
"$rt" demo-data --messages 40 --seed 9 --out "$tmp/more" 2>/dev/null
dv_maildir_fill INBOX "$tmp/demo/demo.mbox"
. "$src/tests/cli/lib/web.sh"
demo_tenants --no-import acme globex
start main --sync-workers 2 || exit 1
U=$url
pw=Tangerine-Orbit-42-Quill
for t in acme globex; do
	"$rt" user create-owner --db "$db" --tenant $t --email "boss@$t.example" \
	    --base-url "$U" > "$tmp/$t.link" 2>/dev/null
done
set_password owner "$(cat "$tmp/acme.link")" > /dev/null
set_password gowner "$(cat "$tmp/globex.link")" > /dev/null
for role in admin manager; do
	c owner "$U/users/invite" --data-urlencode "csrf=$(csrf owner)" -d role=$role \
	    --data-urlencode "email=$role@acme.example" > /dev/null
	set_password $role "$(grep -o 'http://[^<]*/invite?t=[A-Za-z0-9_-]*' "$tmp/body")" > /dev/null
done
c owner "$U/tokens" --data-urlencode "csrf=$(csrf owner)" -d name=t -d scope=read > /dev/null
tok=$(grep -o '<code>[A-Za-z0-9_-]\{43\}</code>' "$tmp/body" | sed 's/<[^>]*>//g')
per="from=2021-01-01&to=2030-12-31"
total() { curl -s -H "Authorization: Bearer $tok" "$U/api/v1/overview?$per" | jq '.figures.received + .figures.sent'; }
# wait_for SECONDS COMMAND...: until the command succeeds; prints the time.
wait_for() {
	local t0 lim=$1; shift
	t0=$(date +%s.%N)
	for _ in $(seq $((lim * 10))); do
		"$@" && { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; return 0; }
		sleep 0.1
	done
	return 1
}
mb() { c "$1" "$U/mailboxes"; }

# Who may see the page.
[ "$(mb owner)" = 200 ] && grep -q '<caption>Mailboxes</caption>' "$tmp/body"; ok $? "owner: the Mailboxes page"
grep -q 'href="/mailboxes"' "$tmp/body"; ok $? "in the owner's navigation"
[ "$(mb admin)" = 200 ]; ok $? "admin: the Mailboxes page"
[ "$(mb manager)" = 403 ] && [ "$(c manager "$U/mailboxes" --data-urlencode "csrf=$(csrf manager)" -d host=x)" = 403 ]
ok $? "manager: 403 for the page and the form"
c manager "$U/overview" > /dev/null; ! grep -q 'href="/mailboxes"' "$tmp/body"; ok $? "not in the manager's navigation"
[ "$(c owner "$U/mailboxes" -d host=x -d user=y -d password=z)" = 403 ]; ok $? "a POST without the CSRF token: 403"

# Test connection from the form.
form() {	# JAR ACTION SECURITY PORT PASSWORD [ADDRESS]
	c "$1" "$U$2" --data-urlencode "csrf=$(csrf "$1")" -d host=127.0.0.1 -d "port=$4" \
	    -d "security=$3" -d user=alice -d auth=plain --data-urlencode "password=$5" \
	    --data-urlencode "address=${6:-}" --data-urlencode "folders=INBOX"
}
bad_pw="wrong-$DV_PASS"
[ "$(form admin /mailboxes/test plain "$DV_IMAP" "$DV_PASS")" = 200 ] && grep -q 'The connection works' "$tmp/body" &&
    grep -q 'would sync: INBOX' "$tmp/body"
ok $? "test connection from the form: it works, INBOX would sync"
! grep -q "$DV_PASS" "$tmp/body" && grep -q 'id="password" name="password" type="password" required' "$tmp/body" &&
    ! grep -q 'name="password"[^>]*value=' "$tmp/body"
ok $? "the password is not sent back, even to refill the form"
grep -q 'name="host"[^>]*value="127.0.0.1"' "$tmp/body"; ok $? "the other fields are refilled"
form admin /mailboxes/test plain "$DV_IMAP" "$bad_pw" > /dev/null
grep -q 'role="alert">The connection failed: .*authentication failed (server said: \[AUTHENTICATIONFAILED\]' "$tmp/body"
ok $? "a wrong password: the reason is shown"
! grep -q "$DV_PASS" "$tmp/body"; ok $? "and the password is not in the page"
form admin /mailboxes/test tls "$DV_IMAPS" "$DV_PASS" > /dev/null
grep -q 'The connection failed: .*certificate not trusted' "$tmp/body"; ok $? "TLS with a private CA: not trusted, said so"
[ "$(form admin /mailboxes/test plain 99999 "$DV_PASS")" = 200 ] && grep -q 'role="alert">The port must be' "$tmp/body"
ok $? "a bad port: named, not quoted"

# Add through the form: stored like mailbox add, synced by the server.
before=$(date +%s.%N)
form admin /mailboxes plain "$DV_IMAP" "$DV_PASS" support@acme.example > /dev/null
grep -q 'Mailbox 1 is added' "$tmp/body"; ok $? "mailbox added from the form"
"$rt" mailbox list --db "$db" --tenant acme | awk -F'\t' '$1 == 1 && $2 == "support@acme.example" && $6 ~ /plain .WARNING: no TLS/' | grep -q .
ok $? "stored as mailbox add stores it (mailbox list)"
! grep -aq "$DV_PASS" "$db" "$db-wal" 2>/dev/null; ok $? "the password is not in the database in the clear"
sync_s=$(wait_for 20 sh -c "[ \"\$(curl -s -H 'Authorization: Bearer $tok' '$U/api/v1/overview?$per' | jq '.figures.received + .figures.sent')\" -gt 0 ]")
ok $? "the server synced it without a restart (${sync_s:-?} s; overview counts)"
wait_for 10 sh -c "grep -q 'synced: 1 folders, 300 headers' '$tmp/main.log'" > /dev/null
curl -s -H "Authorization: Bearer $tok" "$U/api/v1/overview?$per" > "$tmp/api.json"
read -r from to at < <(jq -r '.period | "\(.start) \(.end) \(.at)"' "$tmp/api.json")
"$rt" report --db "$db" --tenant acme --format json --from "$from" --to "$to" --now "$at" > "$tmp/rep.json" 2>/dev/null
t1=$(jq '.figures.received + .figures.sent' "$tmp/api.json")
[ "$t1" -gt 0 ] && [ "$t1" = "$(jq '.groups[0].volume.received + .groups[0].volume.sent' "$tmp/rep.json")" ] &&
    jq -e --slurpfile r "$tmp/rep.json" '.figures.replies == $r[0].groups[0].replies' "$tmp/api.json" > /dev/null
ok $? "overview counts equal the report's ($t1)"
mb admin > /dev/null
grep -q '<span class="badge"[^>]*>no TLS</span>' "$tmp/body"; ok $? "a warning badge for the plain-text connection"
grep -q '<td class="num">300</td>' "$tmp/body" && grep -q '<td>ok</td>' "$tmp/body"; ok $? "the list: state ok, 300 messages"

# New mail while serve runs: IDLE brings it within seconds.
awk '/^From / && n++ == 3 { exit } n >= 1' "$tmp/more/demo.mbox" | tail -n +2 > "$tmp/new.eml"
dv_deliver INBOX < "$tmp/new.eml"
idle_s=$(wait_for 10 sh -c "[ \"\$(curl -s -H 'Authorization: Bearer $tok' '$U/api/v1/overview?$per' | jq '.figures.received + .figures.sent')\" -gt $t1 ]")
r=$?; echo "# new mail in the overview $idle_s s after delivery"
[ $r -eq 0 ] && awk -v s="$idle_s" 'BEGIN { exit !(s < 5) }'; ok $? "new mail in the dashboard within 5 s (IDLE)"

# Sync now, a mailbox in error, another tenant.
[ "$(c admin "$U/mailboxes/1/sync" --data-urlencode "csrf=$(csrf admin)")" = 200 ] && grep -q 'Mailbox 1 syncs as soon' "$tmp/body"
ok $? "sync now"
form admin /mailboxes plain "$DV_IMAP" "$bad_pw" bad@acme.example > /dev/null
grep -q 'Mailbox 2 is added' "$tmp/body"; ok $? "a mailbox with a wrong password added"
wait_for 10 sh -c "\"$rt\" mailbox list --db \"$db\" --tenant acme | grep -q 'bad@acme.example.*error'" > /dev/null
mb owner > /dev/null
grep -q 'class="state-error">error</td>' "$tmp/body" && grep -q 'authentication failed' "$tmp/body"
ok $? "state error with its reason on the page"
closed=$(dv_free_port)
form admin /mailboxes plain "$closed" "$DV_PASS" net@acme.example > /dev/null
grep -q 'Mailbox 3 is added' "$tmp/body"; ok $? "a mailbox on a port where nothing listens added"
sleep 6
tries=$(grep -c 'acme mailbox 3: failed: .*refused' "$tmp/main.log")
echo "# $tries connection attempts in 6 s"
[ "$tries" -ge 2 ] && [ "$tries" -le 6 ]; ok $? "network failures retried with exponential backoff ($tries attempts in 6 s)"
mb owner > /dev/null; grep -q 'network: ' "$tmp/body"; ok $? "its state shows the network reason"
c owner "$U/mailboxes/3/remove" --data-urlencode "csrf=$(csrf owner)" -d confirm=yes > /dev/null
grep -q 'Mailbox 3 is removed' "$tmp/body"; ok $? "removed"
tries=$(grep -c 'acme mailbox 3: failed' "$tmp/main.log")
[ "$(c owner "$U/mailboxes/2/test" --data-urlencode "csrf=$(csrf owner)")" = 200 ] && grep -q 'Mailbox 2: The connection failed: .*authentication failed' "$tmp/body"
ok $? "test connection of a stored mailbox: the reason"
[ "$(c owner "$U/mailboxes/1/test" --data-urlencode "csrf=$(csrf owner)")" = 200 ] && grep -q 'Mailbox 1: The connection works' "$tmp/body"
ok $? "test connection of a stored mailbox: works"
gk=$(csrf gowner) xbad=0
for a in test sync remove; do
	code=$(c gowner "$U/mailboxes/1/$a" --data-urlencode "csrf=$gk" -d confirm=yes)
	[ "$code" = 404 ] || { xbad=1; echo "# globex POST /mailboxes/1/$a: $code"; }
done
mb gowner > /dev/null; grep -q 'support@acme.example' "$tmp/body" && xbad=1
[ $xbad -eq 0 ]; ok $? "another tenant's mailbox ids answer 404, and its list is its own"
[ "$("$rt" mailbox list --db "$db" --tenant acme | grep -c '^[12]	')" = 2 ]; ok $? "and nothing changed"
! grep -q "$DV_PASS" "$tmp/main.log"; ok $? "the password is not in the server's log"

# Remove: the messages go, the dashboard follows.
[ "$(c owner "$U/mailboxes/1/remove" --data-urlencode "csrf=$(csrf owner)")" = 400 ]; ok $? "remove without the confirmation: 400"
[ "$(c owner "$U/mailboxes/1/remove" --data-urlencode "csrf=$(csrf owner)" -d confirm=yes)" = 200 ] && grep -q 'Mailbox 1 is removed' "$tmp/body"
ok $? "remove"
[ "$(total)" = 0 ]; ok $? "the overview counts drop to 0 at once"
[ "$("$rt" mailbox list --db "$db" --tenant acme | grep -c '^1	')" = 0 ]; ok $? "gone from the store"

# The audit log.
"$rt" audit list --db "$db" --tenant acme > "$tmp/audit"
missing=0
for op in mailbox-add mailbox-test mailbox-sync mailbox-remove; do
	grep -q "	$op	" "$tmp/audit" || { echo "# no $op"; missing=1; }
done
[ $missing -eq 0 ]; ok $? "adding, testing, sync now and removing are audited"
! grep -q "$DV_PASS" "$tmp/audit"; ok $? "no password in the audit log"

[ "$(grep -c 'acme mailbox 3: failed' "$tmp/main.log")" -le $((tries + 1)) ]; ok $? "a removed mailbox is not tried again"

# A clean stop, while syncing.
kill -TERM "${pids[0]}"; t0=$(date +%s); wait "${pids[0]}"; r=$?; t=$(( $(date +%s) - t0 ))
[ $r -eq 0 ] && grep -q 'replytime: stopped' "$tmp/main.log" && [ $t -le 5 ]; ok $? "SIGTERM stops the server and its sync workers (${t} s)"
# One worker, more mailboxes: the one holding IDLE lets go, both sync.
"$rt" mailbox remove --db "$db" --tenant acme 2 2>/dev/null
start one --sync-workers 1 --sync-poll 2 || exit 1
U=$url
state() { "$rt" mailbox list --db "$db" --tenant acme | awk -F'\t' -v a="$1" '$2 == a { print $4 }'; }
form owner /mailboxes plain "$DV_IMAP" "$DV_PASS" one@acme.example > /dev/null
wait_for 10 sh -c "\"$rt\" mailbox list --db \"$db\" --tenant acme | grep -q 'one@acme.example.*	ok	'" > /dev/null
[ "$(state one@acme.example)" = ok ]; ok $? "one worker, one mailbox: synced"
form owner /mailboxes plain "$DV_IMAP" "$DV_PASS" two@acme.example > /dev/null
s2=$(wait_for 15 sh -c "\"$rt\" mailbox list --db \"$db\" --tenant acme | grep -q 'two@acme.example.*	ok	'")
[ "$(state two@acme.example)" = ok ]; ok $? "a second one added: the first lets go of IDLE, the second syncs (${s2:-?} s)"
id1=$("$rt" mailbox list --db "$db" --tenant acme | awk -F'\t' '$2 == "one@acme.example" { print $1 }')
id2=$("$rt" mailbox list --db "$db" --tenant acme | awk -F'\t' '$2 == "two@acme.example" { print $1 }')
c owner "$U/mailboxes/$id2/remove" --data-urlencode "csrf=$(csrf owner)" -d confirm=yes > /dev/null
sleep 3		# one mailbox for one worker again: held with IDLE
c owner "$U/mailboxes/$id1/remove" --data-urlencode "csrf=$(csrf owner)" -d confirm=yes > /dev/null
sleep 1.5
grep -q "Mailbox $id1 is removed" "$tmp/body" && ! grep -q "mailbox $id1: failed" "$tmp/one.log"
ok $? "a mailbox removed while its worker idles: let go quietly"
kill -TERM "${pids[-1]}"; wait "${pids[-1]}"; ok $? "stopped"
! grep -q "$DV_PASS" "$tmp/one.log"; ok $? "no password in that server's log"
! grep -l 'Sanitizer\|runtime error' "$tmp"/*.log; ok $? "no sanitizer reports"

echo "1..$n"
[ $bad -eq 0 ]
