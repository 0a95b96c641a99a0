#!/bin/bash
# scripts/demo.sh (make demo) end to end: it builds a store of demo mail
# in a temporary directory, prints the report, starts the dashboard on a
# free port and prints its address and a login that works with curl; the
# overview shows the stored figures; a second run starts afresh with a
# new password; a busy port is said at once.  Also user create-owner
# --password-file, which the script uses.  Prints TAP.
set -u
rt=${RT:?}
src=${RT_SOURCE_DIR:?}
command -v curl >/dev/null || { echo "1..0 # SKIP curl not installed"; exit 77; }
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
d=$tmp/demo

# demo NAME: runs the script in the background; sets $url, $email, $pw
# from its "Dashboard:" line.
demo() {
	RT=$rt "$src/scripts/demo.sh" --dir "$d" --messages 400 --listen 127.0.0.1:0 \
	    > "$tmp/$1.out" 2> "$tmp/$1.err" &
	pids+=($!)
	dpid=$!
	local line=
	url= email= pw=
	for _ in $(seq 1200); do
		line=$(grep '^Dashboard: ' "$tmp/$1.out")
		[ -n "$line" ] && break
		kill -0 $dpid 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$line" ] || { sed 's/^/# /' "$tmp/$1.err"; return 1; }
	url=$(echo "$line" | sed -n 's|^Dashboard: \(http://[^ ]*\)/  login: .*|\1|p')
	email=$(echo "$line" | sed -n 's|.*  login: \([^ ]*\) / [^ ]*  (Ctrl-C stops)$|\1|p')
	pw=$(echo "$line" | sed -n 's|.*  login: [^ ]* / \([^ ]*\)  (Ctrl-C stops)$|\1|p')
	[ -n "$url" ] && [ -n "$email" ] && [ -n "$pw" ]
}
# c JAR ARGS...: curl with a cookie jar, printing the status code.
c() { local j=$1; shift; curl -s -o "$tmp/body" -D "$tmp/head" -b "$tmp/$j.jar" -c "$tmp/$j.jar" -w '%{http_code}' "$@"; }
# login JAR EMAIL PASSWORD: the login form with its pre-login CSRF token.
login() {
	local pre
	c "$1" "$url/login" > /dev/null
	pre=$(grep -o 'name="csrf" value="[^"]*"' "$tmp/body" | head -1 | sed 's/.*value="//;s/"$//')
	c "$1" "$url/login" --data-urlencode "csrf=$pre" -d organization=acme \
	    --data-urlencode "email=$2" --data-urlencode "password=$3"
}
# stop PID: TERM, as Ctrl-C would, to the script, which became the
# server; its exit status, once its log says it stopped.
stop() {
	local rc
	kill -TERM "$1"
	wait "$1"
	rc=$?
	for _ in $(seq 50); do
		grep -q 'replytime: stopped' "$d/serve.log" && break
		sleep 0.1
	done
	return $rc
}

demo first; ok $? "the script prints the address and the login"
grep -q '^group .*replies' "$tmp/first.out" && grep -q '^all ' "$tmp/first.out"; ok $? "and the report before them"
"$rt" user list --db "$d/store/rt.db" --tenant acme --key-file "$d/keys/master.key" > "$tmp/users"
[ ${#pw} -ge 12 ] && [ "$(wc -l < "$tmp/users")" = 1 ] && grep -q "	$email	owner	active$" "$tmp/users"
ok $? "one owner, active, no forced change (${#pw}-character password)"
! grep -q -- "$pw" "$d/serve.log" "$tmp/first.err"; ok $? "the password is not in any log"
[ "$(login a "$email" "$pw")" = 303 ]; ok $? "the printed login logs in"

per="from=2025-06-01&to=2025-06-30"
grep -q "$url/overview?$per" "$tmp/first.out"; ok $? "the link to the demo mail's last month is printed"
"$rt" view --db "$d/store/rt.db" --tenant acme --key-file "$d/keys/master.key" \
    --page overview --format json from=2025-06-01 to=2025-06-30 > "$tmp/view.json"
replies=$(jq .figures.replies.count "$tmp/view.json")
received=$(jq .figures.received "$tmp/view.json")
[ "$(c a "$url/overview?$per")" = 200 ] && [ "$replies" -gt 0 ] &&
    grep -q ">$replies<" "$tmp/body" && grep -q ">$received<" "$tmp/body" && grep -q '<svg' "$tmp/body"
ok $? "the overview shows the stored figures ($replies replies, $received received) and charts"
# The report printed above the link is of the link's period (local days
# of the demo's time zone): the same figures as the overview.
all=$(grep -E '^all ' "$tmp/first.out" | head -1)
sent=$(jq .figures.sent "$tmp/view.json")
awaiting=$(jq .figures.awaiting.count "$tmp/view.json")
# (awaiting: the column right-aligned under its heading; durations hold spaces)
aw_end=$(grep -E '^group ' "$tmp/first.out" | head -1 | awk '{ print index($0, " awaiting") + 8 }')
[ -n "$all" ] && [ "$(echo "$all" | awk -v e="$aw_end" '{ a = substr($0, e - 8, 9); gsub(/ /, "", a); print $2, a, $(NF-1), $NF }')" = "$replies $awaiting $received $sent" ]
ok $? "the report agrees with the overview (replies, awaiting, received, sent: $replies $awaiting $received $sent)"
"$rt" view --db "$d/store/rt.db" --tenant acme --key-file "$d/keys/master.key" \
    --page overview --format json --from 2025-06-01 --to 2025-06-30 > "$tmp/view2.json"
cmp -s "$tmp/view.json" "$tmp/view2.json"; ok $? "view --from/--to: the page's from= and to="
"$rt" view --db "$d/store/rt.db" --tenant acme --key-file "$d/keys/master.key" \
    --page overview --from 2025-06-01T09:00Z > /dev/null 2> "$tmp/verr"
[ $? -eq 1 ] && grep -q -- "--from: .*a page takes a day" "$tmp/verr"; ok $? "view: a time for a page's --from is refused, said"

# A busy port is said before any setup.
port=${url##*:}
RT=$rt "$src/scripts/demo.sh" --dir "$tmp/busy" --messages 400 --listen "127.0.0.1:$port" \
    > "$tmp/busy.out" 2> "$tmp/busy.err"
[ $? -eq 1 ] && grep -q "127.0.0.1:$port is in use" "$tmp/busy.err" && [ ! -e "$tmp/busy/demo.mbox" ]
ok $? "a busy port: said at once ($(head -c 60 "$tmp/busy.err")...)"

[ "$(ps -o comm= -p "$dpid")" = replytime ]; ok $? "the server runs in the script's place (Ctrl-C reaches it)"
stop "$dpid"; ok $? "TERM stops the demo, exit status 0"
grep -q 'replytime: stopped' "$d/serve.log"; ok $? "and the server stopped cleanly"

# Again in the same directory: afresh, with a new password.
old=$pw
demo second; ok $? "a second run in the same directory starts"
[ "$pw" != "$old" ] && [ "$(login b "$email" "$old")" = 200 ] && [ "$(login b "$email" "$pw")" = 303 ]
ok $? "with a new password; the old one no longer works"
[ "$(grep -c 'import: 400 messages read, 400 new' "$tmp/second.err")" = 1 ] &&
    [ "$("$rt" user list --db "$d/store/rt.db" --tenant acme --key-file "$d/keys/master.key" | wc -l)" = 1 ]
ok $? "the store was made afresh (400 new messages, one user)"
[ "$(ls -d "$d"/keys/keyring-* | wc -l)" = 1 ]; ok $? "one keyring left in keys/, the new key's"
stop "$dpid"; ok $? "stopped again"

# user create-owner --password-file.
export REPLYTIME_KEY_FILE=$tmp/k/master.key
mkdir -p "$tmp/k" "$tmp/db"
"$rt" key init 2>/dev/null
"$rt" tenant create --db "$tmp/db/rt.db" --tenant t 2>/dev/null
echo 'password1234' | "$rt" user create-owner --db "$tmp/db/rt.db" --tenant t --email boss@t.example \
    --password-file - > "$tmp/o" 2> "$tmp/e"
[ $? -eq 1 ] && grep -q 'too easy to guess' "$tmp/e" && ! grep -q password1234 "$tmp/e" &&
    [ -z "$("$rt" user list --db "$tmp/db/rt.db" --tenant t)" ]
ok $? "--password-file: a weak password is refused, not shown, and adds no user"
echo 'Quartz-Lantern-58-Meadow' > "$tmp/pw"
"$rt" user create-owner --db "$tmp/db/rt.db" --tenant t --email boss@t.example \
    --password-file "$tmp/pw" > "$tmp/o" 2>/dev/null && [ ! -s "$tmp/o" ] &&
    "$rt" user list --db "$tmp/db/rt.db" --tenant t | grep -q '	boss@t.example	owner	active$'
ok $? "--password-file FILE: an active owner, no setup link printed"
"$rt" user list --db "$tmp/db/rt.db" --tenant t --password-file "$tmp/pw" > /dev/null 2>&1
[ $? -eq 2 ]; ok $? "--password-file with list: a usage error"
"$rt" audit list --db "$tmp/db/rt.db" --tenant t | grep -q '	owner-create	'; ok $? "the owner's creation is audited"

! grep -l 'Sanitizer\|runtime error' "$tmp"/*.err "$d/serve.log"; ok $? "no sanitizer reports"
echo "1..$n"
[ $bad -eq 0 ]
