#!/bin/bash
# Dashboard benchmarks (issue 5): a tenant of 1,000,000 demo messages in
# a store; the snapshot build (time, structure size, peak RSS), then every
# page rendered RENDERS times (default 200) over periods ending on
# different days, p50 and p99 per page.  Baseline in the same run:
# replytime report --db on the same tenant (the engine over everything),
# which is what each page would cost without the snapshot.
# Targets: every page well under 50 ms p99.  The machine may be busy:
# read the ratios.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
rt=${RT:-$root/build/replytime}
renders=${RENDERS:-200}
msgs=${MESSAGES:-1000000}
out=$root/bench/out
. "$root/bench/lib/store1m.sh"
now=2025-07-01T00:00:00Z
v() { "$rt" view --db "$db" --tenant v --now "$now" "$@"; }

/usr/bin/time -f '%e s, %M KB peak' -o "$out/views-report.time" \
    "$rt" report --db "$db" --tenant v --format json --from 2025-06-01 --to 2025-07-01 > /dev/null
echo "baseline: replytime report --db, 30 days: $(cat "$out/views-report.time")"
# A recent conversation: its waits come last in the queue's order.
id=$(v --page conversations --format json metric=replies limit=1 | jq '.rows[0].conversation')
run() {	# name, view arguments...
	local name=$1
	shift
	printf '%-28s ' "$name"
	v --bench "$renders" "$@" 2>&1 >/dev/null | grep render: | sed 's/^render: //'
}
v --bench 1 --page overview 2>&1 >/dev/null | grep snapshot:
run "overview 30 days json" --page overview --format json
run "overview 30 days html" --page overview
run "overview 365 days json" --page overview --format json from=2024-07-01 to=2025-06-30
run "overview 365 days html" --page overview from=2024-07-01 to=2025-06-30
run "overview 6 years html" --page overview from=2019-01-01 to=2025-06-30
run "overview agent html" --page overview --as alice.morgan@acme.example
run "groups 30 days json" --page groups --format json
run "groups 365 days html" --page groups from=2024-07-01 to=2025-06-30
run "domains 30 days json" --page domains --format json
run "domains 365 days html" --page domains from=2024-07-01 to=2025-06-30
run "queue html" --page queue
run "queue json" --page queue --format json
run "conversations replies json" --page conversations --format json metric=replies
run "conversations 365d by value" --page conversations metric=replies sort=value from=2024-07-01 to=2025-06-30
run "conversation html" --page conversation "id=$id"
run "conversation json" --page conversation --format json "id=$id"
