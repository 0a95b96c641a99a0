#!/bin/bash
# replytime report on real mail (the linux-raid archive): invariants that
# must hold whatever the data, under a configuration of our own with
# business hours, holidays and two teams.  Skipped when the corpora are
# absent.  Prints TAP.
set -u
rt=${RT:?}
corpora=${RT_CORPORA:-}
mbox=$corpora/linux-raid.mbox.zst
if [ ! -f "$mbox" ]; then
	echo "1..0 # SKIP corpora not found at ${corpora:-(RT_CORPORA unset)}"
	exit 77
fi
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$RT_SOURCE_DIR/tests/cli/lib/tap.sh"

cat > "$tmp/raid.ini" <<'INI'
[organization]
name = md maintainers
internal_domains = kernel.org

[rules]
exclude_lists = no
sla_targets = 1h, 4h, 1d, 3d

[hours]
timezone = Europe/Berlin
mon = 09:00-17:00
tue = 09:00-17:00
wed = 09:00-17:00
thu = 09:00-17:00
fri = 09:00-16:00
holidays = 2024-12-25, 2024-12-26, 2025-01-01

[hours "asia"]
timezone = Asia/Shanghai
mon = 09:00-18:00
tue = 09:00-18:00
wed = 09:00-18:00
thu = 09:00-18:00
fri = 09:00-18:00

[team "maintainers"]
members = song@kernel.org, yukuai3@huawei.com, yukuai1@huaweicloud.com, hch@lst.de, xni@redhat.com

[team "reviewers"]
members = mariusz.tkaczyk@linux.intel.com, colyli@suse.de, hch@lst.de
hours = asia

[agent "yukuai3@huawei.com"]
hours = asia
leave = 2024-02-01..2024-02-20
INI
for rule in parent oldest-unanswered; do
	sed "s/^exclude_lists = no/exclude_lists = no\nclock_start = $rule/" "$tmp/raid.ini" > "$tmp/$rule.ini"
	"$rt" report --config "$tmp/$rule.ini" --format json "$mbox" > "$tmp/$rule.json" 2> "$tmp/err"
	ok $? "$rule: report runs"
	jq -e . "$tmp/$rule.json" > /dev/null; ok $? "$rule: output is valid JSON"
	j=$tmp/$rule.json
	jq -e '.spec == 1 and (.groups | length) == 10 and .groups[0].kind == "all"
	    and ([.groups[].kind] == ["all","team","team","agent","agent","agent","agent","agent","agent","agent"])' "$j" > /dev/null
	ok $? "$rule: groups in spec order"
	jq -e '.totals.messages + .totals.duplicates == 19526' "$j" > /dev/null
	ok $? "$rule: every message counted once"
	jq -e '[.groups[] | .replies.count <= .volume.sent] | all' "$j" > /dev/null
	ok $? "$rule: reply samples never exceed messages sent"
	jq -e '[.groups[] | .first_reply.count <= $c] | all' --argjson c "$(jq .totals.conversations "$j")" "$j" > /dev/null
	ok $? "$rule: first replies never exceed conversations"
	jq -e '[.groups[] | (.replies, .first_reply) | select(.count > 0) |
	    (.business.mean <= .calendar.mean and .business.median <= .calendar.median and
	     .business.p90 <= .calendar.p90 and .business.max <= .calendar.max and
	     .business.min <= .calendar.min)] | all' "$j" > /dev/null
	ok $? "$rule: business time never exceeds calendar time"
	jq -e '[.groups[] | (.replies, .first_reply) | select(.count > 0) |
	    .calendar as $c | .business as $b | ($c.within | keys) as $k |
	    [$k[] | ($c.within[.] <= $b.within[.]) and $c.within[.] >= 0 and $c.within[.] <= 1] | all] | all' "$j" > /dev/null
	ok $? "$rule: shares within targets are in [0,1] and business >= calendar"
	jq -e '[.groups[] | (.replies, .first_reply) | select(.count > 0) | (.calendar, .business) |
	    (.min <= .median and .median <= .p90 and .p90 <= .max and .min <= .mean and .mean <= .max and .min >= 0)] | all' "$j" > /dev/null
	ok $? "$rule: min <= median <= p90 <= max, mean within [min, max]"
	jq -e '[.groups[] | .replies.outliers >= 0 and .replies.negative >= 0 and
	    (.awaiting.count == 0) == (.awaiting.oldest_secs == null)] | all' "$j" > /dev/null
	ok $? "$rule: counts and awaiting consistent"
	jq -e '.groups[0].replies.count > 1000' "$j" > /dev/null
	ok $? "$rule: a real number of replies measured"
done
# The two clock rules see the same messages and volumes.
jq -e --slurp '.[0].totals == .[1].totals and ([.[0].groups[].volume] == [.[1].groups[].volume])' \
    "$tmp/parent.json" "$tmp/oldest-unanswered.json" > /dev/null
ok $? "both clock rules: same totals and volumes"
# Text and CSV forms of the same report.
"$rt" report --config "$tmp/raid.ini" --format csv "$mbox" > "$tmp/r.csv" 2>/dev/null
[ "$(wc -l < "$tmp/r.csv")" -eq 11 ]; ok $? "csv: a header and one row per group"
"$rt" report --config "$tmp/raid.ini" "$mbox" > "$tmp/r.txt" 2>/dev/null
grep -q "^team maintainers" "$tmp/r.txt"; ok $? "text: team rows"
echo "1..$n"
[ $bad -eq 0 ]
