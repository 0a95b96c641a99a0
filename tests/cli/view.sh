#!/bin/bash
# replytime view (the dashboard's pages, src/view) against replytime
# report on the same stored tenant: every figure equal for several
# periods and groups; agent scope; the queue oldest first; conversations
# behind numbers; not found (unknown ids, another tenant's ids); bad
# parameters; HTML well formed and escaped; JSON valid.  Prints TAP.
set -u
rt=${RT:?}
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"
mkdir -p "$tmp/keys" "$tmp/db"
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db
"$rt" key init 2>/dev/null
"$rt" demo-data --messages 4000 --seed 5 --out "$tmp/demo" 2>/dev/null
"$rt" demo-data --messages 500 --seed 9 --out "$tmp/other" 2>/dev/null
# Header data that is HTML.
cat >> "$tmp/demo/demo.mbox" <<'EOF'
From x@y Sat Jun 28 10:00:00 2025
From: "<b>Eve</b>" <eve@evil.example>
To: alice.morgan@acme.example
Subject: <script>alert(1)</script> & "q"
Date: Sat, 28 Jun 2025 10:00:00 +0000
Message-ID: <xss-1@evil.example>

body

EOF
for t in acme other; do
	"$rt" tenant create --db "$db" --tenant $t 2>/dev/null
done
"$rt" settings set --db "$db" --tenant acme "$tmp/demo/replytime.ini"
"$rt" settings set --db "$db" --tenant other "$tmp/other/replytime.ini"
"$rt" import --db "$db" --tenant acme "$tmp/demo/demo.mbox" 2>/dev/null
"$rt" import --db "$db" --tenant other "$tmp/other/demo.mbox" 2>/dev/null
v() { "$rt" view --db "$db" --tenant acme --now 2025-06-30T18:00:00Z "$@"; }

# Every number of the overview and the groups table equals the report's
# for the same period and instant.
for per in "from=2025-06-01 to=2025-06-30" "from=2025-06-10 to=2025-06-16" \
    "from=2025-05-20 to=2025-07-10" "to=2025-06-25"; do
	# shellcheck disable=SC2086
	v --page groups --format json $per > "$tmp/g.json"; ok $? "groups json ($per)"
	read -r from to at < <(jq -r '.period | "\(.start) \(.end) \(.at)"' "$tmp/g.json")
	"$rt" report --db "$db" --tenant acme --format json --from "$from" --to "$to" --now "$at" > "$tmp/r.json"
	jq -n --slurpfile g "$tmp/g.json" --slurpfile r "$tmp/r.json" '
	    [$r[0].groups[] | {name, replies, first_reply, awaiting,
	        received: .volume.received, sent: .volume.sent}] ==
	    [$g[0].groups[] | {name, replies: .figures.replies,
	        first_reply: .figures.first_reply, awaiting: .figures.awaiting,
	        received: .figures.received, sent: .figures.sent}]' > "$tmp/eq"
	[ "$(cat "$tmp/eq")" = true ]; ok $? "groups: every group's figures equal the report's ($per)"
	# shellcheck disable=SC2086
	v --page overview --format json group=team:support $per > "$tmp/o.json"
	jq -e --slurpfile r "$tmp/r.json" '.figures.replies == $r[0].groups[1].replies and
	    .figures.first_reply == $r[0].groups[1].first_reply and
	    .figures.awaiting == $r[0].groups[1].awaiting and
	    .figures.received == $r[0].groups[1].volume.received' "$tmp/o.json" > /dev/null
	ok $? "overview (team support) equals the report ($per)"
	# The previous period too.
	read -r pf pt pa < <(jq -r '.previous_period | "\(.start) \(.end) \(.at)"' "$tmp/o.json")
	"$rt" report --db "$db" --tenant acme --format json --from "$pf" --to "$pt" --now "$pa" > "$tmp/p.json"
	jq -e --slurpfile r "$tmp/p.json" '.previous.replies == $r[0].groups[1].replies and
	    .previous.sent == $r[0].groups[1].volume.sent' "$tmp/o.json" > /dev/null
	ok $? "overview: previous period equals the report ($per)"
	# The list behind a number has that many rows.
	jq -r '.figures.replies.count' "$tmp/o.json" > "$tmp/want"
	# shellcheck disable=SC2086
	v --page conversations --format json group=team:support metric=replies $per > "$tmp/l.json"
	[ "$(jq .total "$tmp/l.json")" = "$(cat "$tmp/want")" ]; ok $? "conversations behind the replies count: as many ($per)"
done
"$rt" report --db "$db" --tenant acme --format json --from 2025-06-03 --to 2025-06-21T12:00:00Z --now 2025-06-25 > "$tmp/r1"
v --page report --from 2025-06-03 --to 2025-06-21T12:00:00Z --now 2025-06-25 > "$tmp/r2"
cmp -s "$tmp/r1" "$tmp/r2"; ok $? "page report: byte for byte replytime report"
"$rt" report --db "$db" --tenant acme --format json > "$tmp/r1"
"$rt" view --db "$db" --tenant acme --page report > "$tmp/r2"
cmp -s "$tmp/r1" "$tmp/r2"; ok $? "page report, default period: byte for byte"

# Lists: within a target, value filters, queue oldest first.
v --page overview --format json > "$tmp/o.json"
v --page conversations --format json metric=replies le=3600 limit=1000 > "$tmp/l.json"
[ "$(jq .total "$tmp/l.json")" = "$(jq '.figures.replies.calendar.within["3600"] * .figures.replies.count | round' "$tmp/o.json")" ]
ok $? "replies within 1h: the list has the share's count"
jq -e '[.rows[].calendar] | all(. <= 3600)' "$tmp/l.json" > /dev/null; ok $? "every listed reply within 1h"
v --page queue --format json limit=1000 > "$tmp/q.json"
jq -e '[.rows[].time] == ([.rows[].time] | sort) and (.rows | length) > 1' "$tmp/q.json" > /dev/null
ok $? "queue: oldest first"
[ "$(jq .total "$tmp/q.json")" = "$(jq .figures.awaiting.count "$tmp/o.json")" ]; ok $? "queue: as long as the awaiting count"
jq -e '[.rows[] | .sla] | all(. == "within" or . == "near" or . == "breached")' "$tmp/q.json" > /dev/null
ok $? "queue: each row has an SLA state"
v --page queue > "$tmp/q.html"
grep -q 'class="rt-sla-breached"' "$tmp/q.html"; ok $? "queue html: rows classed by SLA"

# One conversation: its messages, in time order, with reply times.
id=$(jq '.rows[0].conversation' "$tmp/l.json")
v --page conversation --format json "id=$id" > "$tmp/c.json"; ok $? "conversation view"
jq -e '(.messages | length) >= 2 and ([.messages[].time] == ([.messages[].time] | sort)) and
    ([.messages[] | select(.reply != null)] | length) >= 1 and
    ([.messages[].direction] | index("inbound") != null)' "$tmp/c.json" > /dev/null
ok $? "conversation: messages in time order, a reply with its time, directions"

# Not found: a number no conversation has, another tenant's conversation.
v --page conversation "id=999999999" > /dev/null 2>&1; [ $? -eq 3 ]; ok $? "unknown conversation: not found"
oid=$("$rt" view --db "$db" --tenant other --now 2025-06-30T18:00:00Z --page queue --format json | jq '.rows[-1].conversation')
"$rt" view --db "$db" --tenant other --now 2025-06-30T18:00:00Z --page conversation --format json "id=$oid" > /dev/null
ok $? "the other tenant sees its conversation $oid"
v --page conversation "id=$oid" > /dev/null 2>&1; [ $? -eq 3 ]; ok $? "another tenant's conversation: not found"

# Agent scope: own group and teams, nothing else.
"$rt" view --db "$db" --tenant acme --now 2025-06-30T18:00:00Z --as alice.morgan@acme.example --page groups --format json > "$tmp/a.json"
[ "$(jq -c '[.groups[].group]' "$tmp/a.json")" = '["team:support","agent:alice.morgan@acme.example"]' ]
ok $? "agent scope: the agent's team and itself"
"$rt" view --db "$db" --tenant acme --now 2025-06-30T18:00:00Z --as alice.morgan@acme.example --page overview group=all > /dev/null 2>&1
[ $? -eq 3 ]; ok $? "agent scope: the organization is not found"
"$rt" view --db "$db" --tenant acme --now 2025-06-30T18:00:00Z --as alice.morgan@acme.example --page overview group=agent:ben.carter@acme.example > /dev/null 2>&1
[ $? -eq 3 ]; ok $? "agent scope: another agent is not found"
"$rt" view --db "$db" --tenant acme --now 2025-06-30T18:00:00Z --as nobody@acme.example --page queue > /dev/null 2>&1
[ $? -eq 3 ]; ok $? "an address that is no agent sees nothing"

# Bad parameters.
v --page overview from=2025-13-01 > /dev/null 2> "$tmp/err"; [ $? -eq 1 ] && grep -q "query parameter from" "$tmp/err"
ok $? "bad date refused, named"
v --page overview from=2025-06-10 to=2025-06-01 > /dev/null 2>&1; [ $? -eq 1 ]; ok $? "from after to refused"
v --page overview colour=red > /dev/null 2>&1; [ $? -eq 1 ]; ok $? "unknown parameter refused"
v --page groups sort=bogus > /dev/null 2>&1; [ $? -eq 1 ]; ok $? "unknown sort column refused"
v --page overview limit=100000 > /dev/null 2>&1; [ $? -eq 1 ]; ok $? "limit over the maximum refused"

# Sorting on the server.
v --page groups --format json sort=sent dir=desc > "$tmp/s.json"
jq -e '[.groups[].figures.sent] == ([.groups[].figures.sent] | sort | reverse)' "$tmp/s.json" > /dev/null
ok $? "groups sorted by sent, descending"
v --page domains --format json sort=domain dir=asc limit=1000 > "$tmp/d.json"
jq -e '[.domains[].domain] == ([.domains[].domain] | sort) and (.domains | length) > 10' "$tmp/d.json" > /dev/null
ok $? "domains sorted by name"
jq -e '[.domains[].domain] | index("acme.example") == null' "$tmp/d.json" > /dev/null; ok $? "internal domain not a customer"

# HTML: well formed, escaped; JSON: valid.
cat > "$tmp/check.py" <<'EOF'
import sys
from html.parser import HTMLParser
VOID = {"br", "img", "input", "meta", "link", "hr", "col", "wbr"}
class C(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.err = [], []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "style" or k.startswith("on"):
                self.err.append("forbidden attribute " + k)
        if tag == "script" or tag == "style":
            self.err.append("forbidden element " + tag)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.err.append("unbalanced </%s> (open: %s)" % (tag, self.stack[-3:]))
        else:
            self.stack.pop()
c = C()
c.feed(sys.stdin.read())
c.close()
if c.stack:
    c.err.append("unclosed " + str(c.stack))
if c.err:
    print("\n".join(c.err[:5]))
sys.exit(1 if c.err else 0)
EOF
for p in overview groups domains queue conversations "conversation id=$id"; do
	# shellcheck disable=SC2086
	v --page $p > "$tmp/p.html" && python3 "$tmp/check.py" < "$tmp/p.html"
	ok $? "html $p: every tag closed, no script, no style, no handler"
	# shellcheck disable=SC2086
	v --page $p --format json | jq -e . > /dev/null; ok $? "json $p parses"
done
xid=$(v --page conversations --format json metric=received from=2025-06-28 to=2025-06-28 domain=evil.example | jq '.rows[0].conversation')
v --page conversation "id=$xid" > "$tmp/x.html"
! grep -q '<script>' "$tmp/x.html" && grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;' "$tmp/x.html"
ok $? "a subject that is HTML comes out escaped"
python3 "$tmp/check.py" < "$tmp/x.html"; ok $? "and the page is well formed"
v --page conversation --format json "id=$xid" | jq -e '.messages[0].subject == "<script>alert(1)</script> & \"q\""' > /dev/null
ok $? "json carries the subject as text"

"$rt" view --help | grep -q "usage: replytime view"; ok $? "view --help"
echo "1..$n"
[ "$bad" -eq 0 ]
