#!/bin/bash
# replytime serve end to end over HTTP with curl: setup link, login and
# its cookie, session rotation, generic errors, CSRF, security headers,
# throttling, the role x route matrix (pages and API), another tenant's
# ids (404), logout and logout everywhere, admin-set passwords, one-time
# links, request limits, the audit chain (edited and deleted entries),
# X-Forwarded-For from trusted proxies only, TLS 1.2+ and invitations by
# mail through a real SMTP sink.  Prints TAP.
set -u
rt=${RT:?}
for tool in curl openssl sqlite3; do
	command -v $tool >/dev/null || { echo "1..0 # SKIP $tool not installed"; exit 77; }
done
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db
mkdir -p "$tmp/db"
"$rt" key init 2>/dev/null
"$rt" demo-data --messages 300 --seed 5 --out "$tmp/demo" 2>/dev/null
. "$RT_SOURCE_DIR/tests/cli/lib/web.sh"
demo_tenants acme globex
start main || exit 1
U=$url

pw=Tangerine-Orbit-42-Quill

# Owners by setup link.
for t in acme globex; do
	"$rt" user create-owner --db "$db" --tenant $t --email "boss@$t.example" \
	    --base-url "$U" > "$tmp/$t.link" 2>/dev/null
done
grep -q '/setup?t=' "$tmp/acme.link"; ok $? "create-owner prints a setup link"
! grep -q "$(sed 's/.*t=//' "$tmp/acme.link")" "$tmp/main.log"; ok $? "the link is not in the server's log"
[ "$(set_password owner "$(cat "$tmp/acme.link")")" = 303 ]; ok $? "setup link sets the password and logs in"
grep -qi '^set-cookie: rt_session=.*HttpOnly.*SameSite=Strict' "$tmp/head" && ! grep -qi '^set-cookie: rt_session=.*Secure' "$tmp/head"
ok $? "session cookie HttpOnly, SameSite=Strict, not Secure without TLS"
l=$(cat "$tmp/acme.link")
[ "$(c other "$U/setup?t=${l##*t=}")" = 404 ]; ok $? "a setup link works once"
set_password gowner "$(cat "$tmp/globex.link")" > /dev/null

# Security headers.
[ "$(c owner "$U/overview")" = 200 ]; ok $? "overview for the owner"
grep -q "^Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'" "$tmp/head"
ok $? "CSP without inline script"
grep -q '^X-Content-Type-Options: nosniff' "$tmp/head" && grep -q '^Referrer-Policy: no-referrer' "$tmp/head" &&
    grep -q '^X-Frame-Options: DENY' "$tmp/head" && grep -q '^Cache-Control: no-store' "$tmp/head"
ok $? "nosniff, referrer policy, frame denial, no-store"
! grep -qi '<script\|style=' "$tmp/body"; ok $? "no script and no inline style in the page"
[ "$(c anon "$U/static/style.css")" = 200 ] && grep -q '^Content-Type: text/css' "$tmp/head"; ok $? "style sheet served"
[ "$(c anon "$U/overview")" = 303 ] && grep -q '^Location: /login' "$tmp/head"; ok $? "no session: redirect to login"

# Users of every role, invited without mail: the link is shown once.
ocsrf=$(csrf owner)
for role in admin manager agent viewer; do
	c owner "$U/users/invite" --data-urlencode "csrf=$ocsrf" -d role=$role \
	    --data-urlencode "email=$role@acme.example" > /dev/null
	link=$(grep -o 'http://[^<]*/invite?t=[A-Za-z0-9_-]*' "$tmp/body")
	[ "$(set_password $role "$link")" = 303 ] || echo "# invite $role failed"
done
[ "$("$rt" user list --db "$db" --tenant acme | grep -c active)" = 5 ]; ok $? "four invited users joined"
! grep -q 'invite?t=' "$tmp/main.log"; ok $? "invitation links never logged"

# Login: errors do not tell what was wrong.
[ "$(login x acme agent@acme.example wrong-password-1)" = 200 ]; m1=$(grep -o 'role="alert">[^<]*' "$tmp/body")
login x acme nobody@acme.example wrong-password-1 > /dev/null; m2=$(grep -o 'role="alert">[^<]*' "$tmp/body")
login x nosuchorg agent@acme.example wrong-password-1 > /dev/null; m3=$(grep -o 'role="alert">[^<]*' "$tmp/body")
[ -n "$m1" ] && [ "$m1" = "$m2" ] && [ "$m2" = "$m3" ]; ok $? "same error for wrong password, unknown user, unknown tenant"
old=$(awk '$6 == "rt_session" { print $7 }' "$tmp/manager.jar")
[ "$(login manager acme manager@acme.example "$pw")" = 303 ]; ok $? "login"
new=$(awk '$6 == "rt_session" { print $7 }' "$tmp/manager.jar")
[ -n "$new" ] && [ "$old" != "$new" ]; ok $? "a new session id at login"
c x "$U/overview" -b "rt_session=$old" > /dev/null; grep -q '^Location: /login' "$tmp/head"; ok $? "the old session id is dead"

# CSRF.
[ "$(c owner "$U/logout" -d x=1)" = 403 ]; ok $? "POST without CSRF token refused"
[ "$(c owner "$U/users/invite" -d csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA -d role=viewer -d email=z@acme.example)" = 403 ]
ok $? "POST with a wrong CSRF token refused"
[ "$(c fresh "$U/login" -d organization=acme -d email=boss@acme.example --data-urlencode "password=$pw")" = 403 ]
ok $? "login without the pre-login token refused"
[ "$(c owner "$U/overview")" = 200 ]; ok $? "the session survived the refused requests"

# Throttling per account.
# Eight counted failures (a refused attempt is not counted: wait it out)
# leave an 8-second wait, long enough for a slow machine to see it.
fails=0 i=0
while [ $fails -lt 8 ] && [ $i -lt 60 ]; do
	i=$((i + 1))
	if [ "$(login t acme viewer@acme.example "bad-password-$i")" = 429 ]; then
		sleep 1
	else
		fails=$((fails + 1))
	fi
done
[ "$(login t acme viewer@acme.example "$pw")" = 429 ]; ok $? "after failures even the right password waits (429)"
grep -q 'try again in' "$tmp/body"; ok $? "the wait is shown"
[ "$(login t2 acme admin@acme.example "$pw")" = 303 ]; ok $? "other accounts are not throttled"

# API tokens for every role.
for role in owner admin manager agent viewer; do
	k=$(csrf $role)
	c $role "$U/tokens" --data-urlencode "csrf=$k" -d name=t -d scope=read > /dev/null
	grep -o '<code>[A-Za-z0-9_-]\{43\}</code>' "$tmp/body" | sed 's/<[^>]*>//g' > "$tmp/$role.tok"
done
[ "$(wc -c < "$tmp/agent.tok")" = 44 ]; ok $? "an API token is shown once"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/me")" = 401 ]; ok $? "API without token: 401"
curl -s -H "Authorization: Bearer $(cat "$tmp/agent.tok")" "$U/api/v1/me" | grep -q '"role":"agent"'; ok $? "API token acts for its user"
! sqlite3 "$db" "SELECT hex(hash) FROM api_tokens" | grep -qi "$(cat "$tmp/agent.tok")"; ok $? "token not stored in clear"

# The role x route matrix, walked from the router's own table.
"$rt" serve --permissions > "$tmp/matrix.md"
roles=(owner admin manager agent viewer)
mbad=0 mcount=0
while IFS='|' read -r _ method route auth r0 r1 r2 r3 r4 _; do
	method=$(echo $method) route=$(echo $route | tr -d '`') auth=$(echo $auth)
	case "$auth" in session|token) ;; *) continue ;; esac
	case "$route" in /logout|/logout-all|/account/delete) [ "$method" = POST ] && continue ;; esac
	path=${route//:id/999999}
	allowed=($r0 $r1 $r2 $r3 $r4)
	for i in 0 1 2 3 4; do
		role=${roles[$i]}
		if [ "$auth" = token ]; then
			code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$tmp/$role.tok")" "$U$path")
		elif [ "$method" = GET ]; then
			code=$(c $role "$U$path")
		else
			code=$(c $role "$U$path" --data-urlencode "csrf=$(csrf $role)")
		fi
		mcount=$((mcount + 1))
		if [ "${allowed[$i]}" = yes ]; then
			case "$code" in 200|303|400|404) ;; *) mbad=1; echo "# $role $method $path: $code, want allowed" ;; esac
		else
			[ "$code" = 403 ] || { mbad=1; echo "# $role $method $path: $code, want 403"; }
		fi
	done
done < <(grep '^| \(GET\|POST\)' "$tmp/matrix.md")
[ $mbad -eq 0 ] && [ $mcount -gt 150 ]; ok $? "every role against every route: $mcount checks"
cmp -s <(sed -n '/^<!-- permissions -->/,/^<!-- end -->/p' "$RT_SOURCE_DIR/docs/security.md" | grep '^|') "$tmp/matrix.md"
ok $? "docs/security.md holds the same matrix"

# Another tenant's ids: 404, never its data.
aid=$("$rt" user list --db "$db" --tenant acme | awk '$3 == "agent" { print $1 }')
tid=$(sqlite3 "$db" "SELECT id FROM api_tokens WHERE user_id = $aid")
gk=$(csrf gowner)
xbad=0
for p in "users/$aid/role -d role=viewer" "users/$aid/disable" "users/$aid/enable" \
    "users/$aid/password -d password=x" "users/$aid/reset" "tokens/$tid/revoke"; do
	set -- $p
	code=$(c gowner "$U/$1" --data-urlencode "csrf=$gk" "${@:2}")
	[ "$code" = 404 ] || { xbad=1; echo "# globex POST /$1: $code"; }
done
[ "$(c gowner "$U/conversations/1")" = 404 ] || xbad=1
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(cat "$tmp/agent.tok")" "$U/api/v1/conversations/1")
[ "$code" = 404 ] || xbad=1
[ $xbad -eq 0 ]; ok $? "another tenant's user and token ids answer 404"
[ "$("$rt" user list --db "$db" --tenant acme | awk '$3 == "agent" { print $4 }')" = active ]; ok $? "and changed nothing"

# The analytics pages: the numbers of replytime report, scoped per tenant.
if command -v jq >/dev/null; then
	api() { curl -s -o "$tmp/api.json" -w '%{http_code}' -H "Authorization: Bearer $(cat "$tmp/$1.tok")" "$U$2"; }
	[ "$(api owner "/api/v1/overview?from=2021-01-01&to=2030-12-31")" = 200 ]; ok $? "API overview answers"
	read -r from to at < <(jq -r '.period | "\(.start) \(.end) \(.at)"' "$tmp/api.json")
	"$rt" report --db "$db" --tenant acme --format json --from "$from" --to "$to" --now "$at" > "$tmp/rep.json"
	jq -e --slurpfile r "$tmp/rep.json" '.figures.replies.count > 0 and
	    .figures.replies == $r[0].groups[0].replies and
	    .figures.received == $r[0].groups[0].volume.received' "$tmp/api.json" > /dev/null
	ok $? "overview JSON: the report's reply figures ($(jq .figures.replies.count "$tmp/api.json") replies)"
	# An import by another process while the server runs: the next
	# request sees it (the data generation moved; the snapshot is new).
	before=$(jq .figures.received "$tmp/api.json")
	"$rt" demo-data --messages 120 --seed 6 --out "$tmp/demo2" 2>/dev/null
	"$rt" import --db "$db" --tenant acme "$tmp/demo2/demo.mbox" 2>/dev/null
	[ "$(api owner "/api/v1/overview?from=2021-01-01&to=2030-12-31")" = 200 ]
	read -r from to at < <(jq -r '.period | "\(.start) \(.end) \(.at)"' "$tmp/api.json")
	"$rt" report --db "$db" --tenant acme --format json --from "$from" --to "$to" --now "$at" > "$tmp/rep.json"
	jq -e --slurpfile r "$tmp/rep.json" --argjson b "$before" '.figures.received > $b and
	    .figures.replies == $r[0].groups[0].replies and
	    .figures.received == $r[0].groups[0].volume.received' "$tmp/api.json" > /dev/null
	ok $? "after an import, the overview has the new messages ($before, then $(jq .figures.received "$tmp/api.json") received)"
	[ "$(c owner "$U/overview?from=2021-01-01&to=2030-12-31")" = 200 ] &&
	    grep -q "$(jq .figures.replies.count "$tmp/api.json")" "$tmp/body" && grep -q '<svg' "$tmp/body"
	ok $? "overview page shows the numbers and charts"
	[ "$(c owner "$U/overview?from=2021-13-01")" = 400 ] && grep -q 'from' "$tmp/body" && ! grep -q '2021-13-01' "$tmp/body"
	ok $? "a bad query argument: 400 naming it, never quoting it"
	[ "$(api owner "/api/v1/overview?bogus=1")" = 400 ]; ok $? "an unknown argument: 400"
	[ "$(c gowner "$U/conversations?from=2021-01-01&to=2030-12-31")" = 200 ]
	gid=$(grep -o '/conversation?id=[0-9]*' "$tmp/body" | head -1 | sed 's/.*=//')
	[ -n "$gid" ] && [ "$(c gowner "$U/conversation?id=$gid")" = 200 ] &&
	    [ "$(c gowner "$U/conversations/$gid")" = 200 ]
	ok $? "a conversation of the own tenant opens (id $gid)"
	[ "$(c owner "$U/conversation?id=$gid")" = 404 ] && [ "$(c owner "$U/conversations/$gid")" = 404 ] &&
	    [ "$(api owner "/api/v1/conversation?id=$gid")" = 404 ] && [ "$(api owner "/api/v1/conversations/$gid")" = 404 ]
	ok $? "another tenant's conversation id: 404 (pages and API)"
else
	ok 0 "# SKIP jq not installed"
fi

# Admin-set passwords must be changed at first login.
k=$(csrf owner)
c owner "$U/users/$aid/password" --data-urlencode "csrf=$k" --data-urlencode "password=Marigold-Static-93-Fern" > /dev/null
[ "$(login agent2 acme agent@acme.example Marigold-Static-93-Fern)" = 303 ] && grep -q '^Location: /password' "$tmp/head"
ok $? "an admin-set password leads to the change page"
[ "$(c agent2 "$U/overview")" = 303 ] && grep -q '^Location: /password' "$tmp/head"; ok $? "nothing else until it is changed"
k=$(csrf agent2)
c agent2 "$U/password" --data-urlencode "csrf=$k" -d current=wrong-current-pass --data-urlencode "password=$pw" --data-urlencode "confirm=$pw" > /dev/null
grep -q 'current password is wrong' "$tmp/body"; ok $? "a change needs the current password"
c agent2 "$U/password" --data-urlencode "csrf=$k" -d current=Marigold-Static-93-Fern -d password=agentagentagent1 -d confirm=agentagentagent1 > /dev/null
grep -q 'role="alert"' "$tmp/body"; ok $? "a password with the email's name is refused"
c agent2 "$U/password" --data-urlencode "csrf=$k" -d current=Marigold-Static-93-Fern --data-urlencode "password=$pw" --data-urlencode "confirm=$pw" > /dev/null
[ "$(c agent2 "$U/overview")" = 200 ]; ok $? "changed: the dashboard opens"

# An agent's scope: its own group and teams; the organization is not found.
[ "$(c agent2 "$U/overview")" = 200 ] && grep -q 'not that of an agent' "$tmp/body"; ok $? "an agent user with no configured agent: a note, no figures"
c owner "$U/users/invite" --data-urlencode "csrf=$(csrf owner)" -d role=agent \
    --data-urlencode "email=Alice.Morgan@acme.example" > /dev/null
link=$(grep -o 'http://[^<]*/invite?t=[A-Za-z0-9_-]*' "$tmp/body")
set_password alice "$link" > /dev/null
per="from=2021-01-01&to=2030-12-31"
[ "$(c alice "$U/overview?$per")" = 200 ] && grep -q '<svg' "$tmp/body"; ok $? "a configured agent sees its figures"
[ "$(c alice "$U/overview?$per&group=all")" = 404 ] && [ "$(c alice "$U/overview?$per&group=agent:ben.carter@acme.example")" = 404 ]
ok $? "not the organization's nor another agent's (404)"
[ "$(c alice "$U/groups?$per")" = 200 ] && grep -qi 'alice.morgan@acme.example' "$tmp/body" && ! grep -qi 'ben.carter@acme.example' "$tmp/body"
ok $? "the groups table holds the agent and its teams only"

# Logout and logout everywhere.
login s1 acme admin@acme.example "$pw" > /dev/null; login s2 acme admin@acme.example "$pw" > /dev/null
[ "$(c s1 "$U/overview")" = 200 ] && [ "$(c s2 "$U/overview")" = 200 ]; ok $? "two sessions"
c s1 "$U/logout-all" --data-urlencode "csrf=$(csrf s1)" > /dev/null
[ "$(c s2 "$U/overview")" = 303 ] && [ "$(c s1 "$U/overview")" = 303 ]; ok $? "logout everywhere ends both"
login s3 acme admin@acme.example "$pw" > /dev/null; sid=$(awk '$6 == "rt_session" { print $7 }' "$tmp/s3.jar")
c s3 "$U/logout" --data-urlencode "csrf=$(csrf s3)" > /dev/null
grep -qi '^set-cookie: rt_session=;.*Max-Age=0' "$tmp/head"; ok $? "logout clears the cookie"
[ "$(c x "$U/overview" -b "rt_session=$sid")" = 303 ]; ok $? "and the session is dead on the server"

# Disabled users are out at once.
vid=$("$rt" user list --db "$db" --tenant acme | awk '$3 == "viewer" { print $1 }')
login v acme viewer@acme.example "$pw" > /dev/null
c owner "$U/users/$vid/disable" --data-urlencode "csrf=$(csrf owner)" > /dev/null
[ "$(c v "$U/overview")" = 303 ]; ok $? "disabling a user ends its sessions"

# Settings change the stored configuration and are audited.
k=$(csrf owner)
c owner "$U/settings" --data-urlencode "csrf=$k" -d sect=hours -d timezone=Mars/Olympus > /dev/null
grep -q 'id="hours-timezone-error"' "$tmp/body"; ok $? "a bad setting is shown at its field"
c owner "$U/settings" --data-urlencode "csrf=$k" -d sect=hours -d timezone=Europe/Paris -d mon=08:00-12:00 > /dev/null
grep -q 'applies to all history' "$tmp/body" && "$rt" settings get --db "$db" --tenant acme | grep -q 'timezone = Europe/Paris'
ok $? "a good one is stored, and the page says it applies to all history"

# Export.
[ "$(c owner "$U/export" --data-urlencode "csrf=$(csrf owner)")" = 200 ] && grep -q '^Content-Disposition: attachment' "$tmp/head" &&
    [ "$(wc -l < "$tmp/body")" -gt 300 ]
ok $? "CSV export download"
# Each table from the dashboard is the file replytime export writes, byte
# for byte, and no secret is in any: not an IMAP mailbox's user or
# password, no password hash, session id or token.
printf 'Imap-Secret-9931\n' > "$tmp/imap.pw"
"$rt" mailbox add --db "$db" --tenant acme --imap imap.acme.example:993 --user imap-login-4471 \
    --address imapbox@acme.example --password-file "$tmp/imap.pw" > /dev/null 2>&1
ok $? "an IMAP mailbox with a password"
mkdir "$tmp/webexp"
xbad=0
for f in messages.csv addresses.csv mailboxes.csv log.csv settings.ini; do
	[ "$(c owner "$U/export" --data-urlencode "csrf=$(csrf owner)" -d "table=$f")" = 200 ] &&
	    grep -qi "^Content-Disposition: attachment; filename=\"$f\"" "$tmp/head" || xbad=1
	cp "$tmp/body" "$tmp/webexp/$f"
done
[ $xbad -eq 0 ]; ok $? "every table of the export downloads (one after another: no export is left running)"
# Streamed, not built in memory: chunked, with no length announced.
grep -qi '^Transfer-Encoding: chunked' "$tmp/head" && ! grep -qi '^Content-Length' "$tmp/head"
ok $? "the export is streamed (chunked)"
[ "$(c owner "$U/export" --data-urlencode "csrf=$(csrf owner)" -d "table=users.csv")" = 400 ]; ok $? "no other table"
"$rt" export --db "$db" --tenant acme --out "$tmp/cliexp" 2>/dev/null; ok $? "replytime export of the same tenant"
xbad=0
for f in messages.csv addresses.csv mailboxes.csv log.csv settings.ini; do
	cmp -s "$tmp/webexp/$f" "$tmp/cliexp/$f" || { xbad=1; echo "# $f differs"; }
done
[ $xbad -eq 0 ] && [ "$(wc -l < "$tmp/webexp/messages.csv")" -gt 300 ]; ok $? "the dashboard's files are replytime export's, byte for byte"
grep -q '^imapbox@acme.example,imap,[0-9T:Z-]*,new,,imap.acme.example:993$' "$tmp/cliexp/mailboxes.csv"
ok $? "mailboxes.csv: an IMAP mailbox's address, kind, state and server"
sid=$(awk '$6 == "rt_session" { print $7 }' "$tmp/owner.jar")
! grep -rqiE 'Imap-Secret-9931|imap-login-4471|argon2' "$tmp/webexp" "$tmp/cliexp" &&
    ! grep -rqF -e "$sid" -e "$(cat "$tmp/owner.tok")" "$tmp/webexp" "$tmp/cliexp" && [ -n "$sid" ] &&
    ! head -qn1 "$tmp"/cliexp/*.csv | grep -qiE 'hash|password|secret|token|sync_state|user|error'
ok $? "no IMAP user or password, password hash, session id or API token; no such column"

# Limits.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$U/$(head -c 3000 /dev/zero | tr '\0' a)")" = 414 ]; ok $? "long URL: 414"
head -c 300000 /dev/zero | tr '\0' a > "$tmp/big"
[ "$(c owner "$U/password" --data-binary "@$tmp/big")" = 413 ]; ok $? "large body: 413"

# The audit log.
"$rt" audit list --db "$db" --tenant acme > "$tmp/audit"
missing=0
for op in owner-create setup invite-accepted login login-failed user-password-set password-change logout-all logout user-disable settings-change export token-create; do
	grep -q "	$op	" "$tmp/audit" || { echo "# no $op"; missing=1; }
done
[ $missing -eq 0 ]; ok $? "logins, users, passwords, settings, tokens and exports audited"
! grep -q "$pw\|Marigold" "$tmp/audit"; ok $? "no password in the audit log"
"$rt" audit verify --db "$db" --tenant acme > /dev/null; ok $? "audit verify: intact"
sqlite3 "$db" ".backup '$tmp/edit.db'"; sqlite3 "$tmp/edit.db" "PRAGMA journal_mode=DELETE; UPDATE audit SET op = 'logout' WHERE seq = 5" > /dev/null
"$rt" audit verify --db "$tmp/edit.db" --tenant acme > "$tmp/v"; [ $? -eq 1 ] && grep -q 'entry 5.*edited' "$tmp/v"
ok $? "an edited entry is found ($(cat "$tmp/v"))"
sqlite3 "$db" ".backup '$tmp/del.db'"; sqlite3 "$tmp/del.db" "PRAGMA journal_mode=DELETE; DELETE FROM audit WHERE seq = 7" > /dev/null
"$rt" audit verify --db "$tmp/del.db" --tenant acme > "$tmp/v"; [ $? -eq 1 ] && grep -q 'entry 7 is missing' "$tmp/v"
ok $? "a deleted entry is found ($(cat "$tmp/v"))"

# X-Forwarded-For: believed from a trusted proxy only.
U0=$U
start proxy --trusted-proxy 127.0.0.1/32 || exit 1
U=$url
login xf acme boss@acme.example not-the-password -H 'X-Forwarded-For: 198.51.100.7, 203.0.113.9' > /dev/null
U=$U0
login xf acme boss@acme.example not-the-password-2 -H 'X-Forwarded-For: 192.0.2.99' > /dev/null
"$rt" audit list --db "$db" --tenant acme | grep login-failed | tail -2 > "$tmp/xf"
head -1 "$tmp/xf" | grep -q '203.0.113.9$'; ok $? "from a trusted proxy the client is the last untrusted hop"
tail -1 "$tmp/xf" | grep -q '127.0.0.1$'; ok $? "from anyone else X-Forwarded-For is ignored"

# TLS 1.2 and 1.3 only.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
start tls --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" || exit 1
case "$url" in https://*) true ;; *) false ;; esac; ok $? "TLS server: $url"
[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tmp/cert.pem" --tlsv1.2 --tls-max 1.2 "$url/login")" = 200 ]; ok $? "TLS 1.2 accepted"
curl -s -D - -o /dev/null --cacert "$tmp/cert.pem" "$url/login" > "$tmp/th"
grep -qi '^set-cookie: rt_pre=.*; Secure' "$tmp/th" && grep -qi '^strict-transport-security' "$tmp/th"; ok $? "Secure cookies and HSTS under TLS"
port=${url##*:}
# SECLEVEL=0: OpenSSL 3 offers TLS 1.1 only at that level.
echo | openssl s_client -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' -connect 127.0.0.1:$port > "$tmp/s11" 2>&1
grep -q 'no peer certificate available' "$tmp/s11" && grep -q 'Cipher is (NONE)' "$tmp/s11"
r=$?; [ $r -eq 0 ] || sed "s/^/# /" "$tmp/s11"; ok $r "TLS 1.1 refused"
echo | openssl s_client -tls1_2 -connect 127.0.0.1:$port > "$tmp/s12" 2>&1
grep -q '^ *Protocol *: TLSv1.2' "$tmp/s12"; ok $? "openssl s_client -tls1_2 connects"

# Invitations by mail through a real SMTP sink.
if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
	sport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	mkdir -p "$tmp/mail/cur" "$tmp/mail/new" "$tmp/mail/tmp"
	/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:$sport -c aiosmtpd.handlers.Mailbox "$tmp/mail" 2>/dev/null &
	pids+=($!)
	sleep 0.5
	start mail --smtp "smtp://127.0.0.1:$sport" --smtp-from "replytime@acme.example" || exit 1
	U=$url
	login m acme boss@acme.example "$pw" > /dev/null
	c m "$U/users/invite" --data-urlencode "csrf=$(csrf m)" -d role=viewer -d email=mailed@acme.example > /dev/null
	grep -q 'invitation is sent' "$tmp/body" && ! grep -q 'invite?t=' "$tmp/body"; ok $? "with SMTP the link is mailed, not shown"
	link=$(cat "$tmp"/mail/new/* 2>/dev/null | grep -o 'http://[^ ]*/invite?t=[A-Za-z0-9_-]*' | head -1)
	[ "$(set_password mailed "$link")" = 303 ]; ok $? "the mailed link works"
	c p "$U/forgot" > /dev/null
	c p "$U/forgot" --data-urlencode "csrf=$(field csrf)" -d organization=acme -d email=mailed@acme.example > /dev/null
	sleep 0.3
	link=$(cat "$tmp"/mail/new/* | grep -o 'http://[^ ]*/reset?t=[A-Za-z0-9_-]*' | head -1)
	pw=Juniper-Cobalt-71-Harbor
	[ "$(set_password r "$link")" = 303 ] && [ "$(login r2 acme mailed@acme.example "$pw")" = 303 ]; ok $? "a reset link by mail sets a new password"
	[ "$(c r3 "$U/reset?t=${link##*t=}")" = 404 ]; ok $? "a reset link works once"
	! grep -q 't=' "$tmp/mail.log"; ok $? "no link in the server's log"
else
	ok 0 "# SKIP python3-aiosmtpd not installed"
fi

# A clean stop, and nothing from the sanitizers in any server's log.
kill -TERM "${pids[0]}"; wait "${pids[0]}"; r=$?
[ $r -eq 0 ] && grep -q 'replytime: stopped' "$tmp/main.log"; ok $? "SIGTERM stops the server cleanly"
! grep -l 'Sanitizer\|runtime error' "$tmp"/*.log; ok $? "no sanitizer reports"

echo "1..$n"
[ $bad -eq 0 ]
