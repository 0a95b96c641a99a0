#!/bin/bash
# The dashboard's Settings page with curl: teams, named schedules and
# agents added, changed and removed, the whole text replaced; each change
# stored (replytime settings get), audited, and seen in the figures of
# /api/v1/groups; bad input refused beside its field with nothing stored;
# viewers and managers get 403, a POST without the CSRF token 403.
# Prints TAP.
set -u
rt=${RT:?}
for tool in curl jq; do
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
demo_tenants acme
start main || exit 1
U=$url
pw=Tangerine-Orbit-42-Quill
"$rt" user create-owner --db "$db" --tenant acme --email boss@acme.example \
    --base-url "$U" > "$tmp/link" 2>/dev/null
set_password owner "$(cat "$tmp/link")" > /dev/null
for role in manager viewer; do
	c owner "$U/users/invite" --data-urlencode "csrf=$(csrf owner)" -d role=$role \
	    --data-urlencode "email=$role@acme.example" > /dev/null
	set_password $role "$(grep -o 'http://[^<]*/invite?t=[A-Za-z0-9_-]*' "$tmp/body")" > /dev/null
done
c owner "$U/tokens" --data-urlencode "csrf=$(csrf owner)" -d name=t -d scope=read > /dev/null
tok=$(grep -o '<code>[A-Za-z0-9_-]\{43\}</code>' "$tmp/body" | sed 's/<[^>]*>//g')

k=$(csrf owner)
# post FIELDS...: a settings form as the owner; prints the status.
post() { c owner "$U/settings" --data-urlencode "csrf=$k" "$@"; }
stored() { "$rt" settings get --db "$db" --tenant acme; }
per="from=2025-06-01&to=2025-06-30"
groups() { curl -s -H "Authorization: Bearer $tok" "$U/api/v1/groups?$per" > "$tmp/groups.json"; }
# team NAME PATH: PATH of team NAME's figures in /api/v1/groups ("" if none).
team() { jq -r --arg g "team:$1" '.groups[] | select(.group == $g) | .figures.'"$2"' // empty' "$tmp/groups.json"; }

[ "$(c owner "$U/settings")" = 200 ] && ! grep -qi '<script\|style=' "$tmp/body" &&
    grep -q 'applies to all history' "$tmp/body"
ok $? "the page: no script or inline style, says a change applies to all history"
# Every input, select and textarea has a label.
unl=0
for id in $(grep -o '<\(input\|textarea\)[^>]*id="[^"]*"' "$tmp/body" | grep -v 'type="hidden"' | sed 's/.*id="//;s/"$//'); do
	grep -q "<label for=\"$id\">" "$tmp/body" || { unl=1; echo "# no label for $id"; }
done
[ $unl -eq 0 ]; ok $? "every field labelled"
grep -q 'legend>Schedule &quot;support&quot;' "$tmp/body" && grep -q 'legend>Team &quot;sales&quot;' "$tmp/body" &&
    grep -q 'legend>Agent &quot;alice.morgan@acme.example&quot;' "$tmp/body" && grep -q '<textarea id="advanced-config"' "$tmp/body"
ok $? "named schedules, teams, agents and the whole text listed"

# Roles and CSRF.
[ "$(c viewer "$U/settings")" = 403 ] && [ "$(c manager "$U/settings")" = 403 ]; ok $? "viewer and manager: 403"
[ "$(c manager "$U/settings" --data-urlencode "csrf=$(csrf manager)" -d sect=team -d form=team-new -d name=x -d members=a@acme.example)" = 403 ]
ok $? "a manager's POST: 403"
before=$(stored | md5sum)
[ "$(c owner "$U/settings" -d sect=team -d form=team-new -d name=x -d members=a@acme.example)" = 403 ] &&
    [ "$before" = "$(stored | md5sum)" ]
ok $? "no CSRF token: 403, nothing stored"

# A team added: its figures appear; removed (with confirmation): gone.
groups
[ -z "$(team billing replies.count)" ] && [ -n "$(team sales replies.count)" ]; ok $? "no billing team before"
[ "$(jq -c '.groups[0].figures.replies.calendar.within | keys' "$tmp/groups.json")" = '["14400","3600","86400"]' ]
ok $? "the demo's SLA targets in the figures"
post -d sect=team -d form=team-new -d name=billing -d members=ben.carter@acme.example,alice.morgan@acme.example -d op=save > /dev/null
grep -q 'Saved.' "$tmp/body" && stored | grep -q '^\[team "billing"\]' &&
    stored | grep -q '^members = ben.carter@acme.example,alice.morgan@acme.example'
ok $? "a team added is stored"
groups
[ -n "$(team billing replies.count)" ]; ok $? "its figures appear on /api/v1/groups"
post -d sect=team -d form=team-new -d name=billing -d members=x@acme.example > /dev/null
grep -q 'id="team-new-name-error">This name is taken' "$tmp/body"; ok $? "a taken name refused beside the field"
idx=$(grep -o 'name="form" value="team[0-9]*"><input type="hidden" name="name" value="billing"' "$tmp/body" | grep -o 'team[0-9]*')
before=$(stored | md5sum)
post -d sect=team -d "form=$idx" -d name=billing -d op=remove > /dev/null
grep -q "id=\"$idx-confirm-error\">Tick the box" "$tmp/body" && [ "$before" = "$(stored | md5sum)" ]
ok $? "removal without confirmation refused, nothing stored"
post -d sect=team -d "form=$idx" -d name=billing -d op=remove -d confirm=yes > /dev/null
grep -q 'Saved.' "$tmp/body" && ! stored | grep -q 'billing'; ok $? "removed with confirmation"
groups
[ -z "$(team billing replies.count)" ]; ok $? "its figures are gone"
post -d sect=team -d form=team-new -d 'name=bad"name' -d members=a@acme.example > /dev/null
grep -q 'id="team-new-name-error"' "$tmp/body"; ok $? "a name with a quote refused beside the field"

# Named schedules: a team's business figures follow its schedule.
groups; b1=$(team support replies.business.median)
post -d sect=schedule -d form=schedule-new -d name=late -d timezone=Europe/London -d mon=14:00-15:00 \
    -d tue=14:00-15:00 -d wed=14:00-15:00 -d thu=14:00-15:00 -d fri=14:00-15:00 > /dev/null
grep -q 'Saved.' "$tmp/body" && stored | grep -q '^\[hours "late"\]'; ok $? "a named schedule added"
post -d sect=schedule -d form=schedule-new -d name=bad -d timezone=Mars/Olympus -d mon=09:00-17:00 > /dev/null
grep -q 'id="schedule-new-timezone-error"' "$tmp/body" && ! stored | grep -q '"bad"'; ok $? "a bad time zone refused beside the field, nothing stored"
sidx=$(grep -o 'name="form" value="team[0-9]*"><input type="hidden" name="name" value="support"' "$tmp/body" | grep -o 'team[0-9]*')
post -d sect=team -d "form=$sidx" -d name=support -d hours=late > /dev/null
grep -q 'Saved.' "$tmp/body"; ok $? "the support team uses it"
groups; b2=$(team support replies.business.median)
[ -n "$b1" ] && [ -n "$b2" ] && [ "$b1" != "$b2" ]; ok $? "the team's business figures change ($b1 -> $b2)"
lidx=$(grep -o 'name="form" value="schedule[0-9]*"><input type="hidden" name="name" value="late"' "$tmp/body" | grep -o 'schedule[0-9]*')
post -d sect=schedule -d "form=$lidx" -d name=late -d op=remove -d confirm=yes > /dev/null
grep -q "id=\"$lidx-confirm-error\">A team uses this schedule" "$tmp/body" && stored | grep -q '^\[hours "late"\]'
ok $? "a schedule in use is not removed, with a clear message"
post -d sect=schedule -d "form=$lidx" -d name=late -d sat=10:00-11:00 > /dev/null
stored | grep -q '^sat = 10:00-11:00'; ok $? "a named schedule edited"
post -d sect=team -d "form=$sidx" -d name=support -d hours=support > /dev/null
post -d sect=schedule -d "form=$lidx" -d name=late -d op=remove -d confirm=yes > /dev/null
grep -q 'Saved.' "$tmp/body" && ! stored | grep -q '"late"'; ok $? "unused, it is removed"

# Agents: added to a team, edited, removed from every team.
post -d sect=agent -d form=agent-new -d name=Zoe.New@acme.example -d team=sales -d leave=2025-06-10 > /dev/null
grep -q 'Saved.' "$tmp/body" && stored | grep -q '^\[agent "zoe.new@acme.example"\]' &&
    stored | sed -n '/^\[team "sales"\]/,/^\[/p' | grep -q 'zoe.new@acme.example'
ok $? "an agent added: its section and its team's members"
post -d sect=agent -d form=agent-new -d name=nobody@acme.example -d leave=2025-06-10 > /dev/null
grep -q 'id="agent-new-team-error">Tick at least one team' "$tmp/body" && ! stored | grep -q nobody
ok $? "an agent without a team refused beside the field"
zidx=$(grep -o 'name="form" value="agent[0-9]*"><input type="hidden" name="name" value="zoe.new@acme.example"' "$tmp/body" | grep -o 'agent[0-9]*')
post -d sect=agent -d "form=$zidx" -d name=zoe.new@acme.example -d team=sales -d team=support -d leave=2025-06-10..2025-06-12 -d aliases=zoe@acme.example > /dev/null
grep -q 'Saved.' "$tmp/body" && stored | grep -q '^leave = 2025-06-10..2025-06-12' &&
    stored | sed -n '/^\[team "support"\]/,/^\[/p' | grep -q 'zoe.new@acme.example'
ok $? "an agent edited: leave, aliases and teams"
post -d sect=agent -d "form=$zidx" -d name=zoe.new@acme.example -d team=sales -d leave=2025-13-40 > /dev/null
grep -q "id=\"$zidx-leave-error\"" "$tmp/body" && stored | grep -q '^leave = 2025-06-10..2025-06-12'; ok $? "bad leave refused beside the field"
aidx=$(grep -o 'name="form" value="agent[0-9]*"><input type="hidden" name="name" value="alice.morgan@acme.example"' "$tmp/body" | grep -o 'agent[0-9]*')
post -d sect=agent -d "form=$aidx" -d name=alice.morgan@acme.example -d team=support -d leave=2025-06-03 > /dev/null
stored | sed -n '/^\[agent "alice.morgan@acme.example"\]/,/^\[/p' | grep -q '^leave = 2025-06-03$'; ok $? "leave for a configured agent"
post -d sect=agent -d "form=$zidx" -d name=zoe.new@acme.example -d op=remove -d confirm=yes > /dev/null
grep -q 'Saved.' "$tmp/body" && ! stored | grep -q zoe; ok $? "an agent removed from its section and every team"

# The whole text: errors with their line, nothing stored; a valid one stored.
stored > "$tmp/whole.ini"
printf '[rules]\nsla_targets = 2h\n[hours]\ntimezon = UTC\n' > "$tmp/bad.ini"
before=$(stored | md5sum)
post -d sect=advanced -d form=advanced --data-urlencode "config@$tmp/bad.ini" > /dev/null
grep -q '<li>Line 4: unknown key' "$tmp/body" && [ "$before" = "$(stored | md5sum)" ]; ok $? "a bad whole text: the error with its line, nothing stored"
sed 's/^sla_targets = .*/sla_targets = 2h, 8h/' "$tmp/whole.ini" > "$tmp/good.ini"
post -d sect=advanced -d form=advanced --data-urlencode "config@$tmp/good.ini" > /dev/null
grep -q 'Saved.' "$tmp/body" && stored | grep -q '^sla_targets = 2h, 8h'; ok $? "a valid whole text stored"
groups
[ "$(jq -c '.groups[0].figures.replies.calendar.within | keys' "$tmp/groups.json")" = '["28800","7200"]' ]
ok $? "the new SLA targets in the figures"

# Audited by form, never with names or addresses.
"$rt" audit list --db "$db" --tenant acme > "$tmp/audit"
for f in team schedule agent advanced; do grep -q "settings-change.*settings $f" "$tmp/audit" || echo "# no audit of $f"; done
grep -q 'settings team' "$tmp/audit" && grep -q 'settings schedule' "$tmp/audit" && grep -q 'settings agent' "$tmp/audit" &&
    grep -q 'settings advanced' "$tmp/audit" && ! grep -qi 'zoe\|billing\|"late"' "$tmp/audit"
ok $? "each change audited as settings <form>, without names"

echo "1..$n"
[ $bad -eq 0 ]
