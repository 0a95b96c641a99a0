#!/bin/bash
# Web and API benchmarks (issue 5): replytime serve on a tenant of
# 1,000,000 demo messages (the store of bench/views.sh, made if missing),
# an API token and a logged-in session, then wrk on each API page and the
# HTML overview: requests/s and p50/p99 latency per route, medians of RUNS
# runs (default 3), with the targets next to them: p99 under 50 ms on
# every route, at least 5,000 requests/s on the API GETs, 64 connections.
# Requests cycle over periods ending on different days (bench/api.lua),
# 30 days mostly, 365 days one in four.  The snapshot is built by a
# warm-up request per route before wrk starts.
#
# wrk runs on the same machine as the server: on 2 cores the two share
# them, and other work on the machine shows in the figures.
# Environment: RT, MESSAGES (1000000), RUNS (3), DURATION (10s),
# CONNECTIONS (64), THREADS (server threads; serve's default if unset),
# ROUTES (the routes to measure, space-separated; all if unset), BASE (a
# baseline binary, say main's: then a second server runs it on the same
# store, each route is measured on both, the runs alternating, and the
# table shows both and the ratio of their requests/s).
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
rt=${RT:-$root/build/replytime}
msgs=${MESSAGES:-1000000}
runs=${RUNS:-3}
dur=${DURATION:-10s}
conns=${CONNECTIONS:-64}
out=$root/bench/out
for tool in wrk curl; do
	command -v $tool >/dev/null || { echo "api: $tool is not installed (scripts/deps.sh bench)" >&2; exit 1; }
done
. "$root/bench/lib/store1m.sh"
who=api
SERVE_ARGS=${THREADS:+--threads $THREADS}
. "$root/bench/lib/serve.sh"
base_url=
if [ -n "${BASE:-}" ]; then
	serve "$BASE" "$tmp/base.log"
	bpid=$pid base_url=$url
fi
serve "$rt" "$tmp/serve.log"
spid=$pid

# A session (the login form with its CSRF token), then a read token made
# on the tokens page.
login "$url"
session=$(awk '$6 == "rt_session" { print $7 }' "$tmp/jar")
c "$url/tokens" > /dev/null
c "$url/tokens" --data-urlencode "csrf=$(csrf)" -d name=bench -d scope=read > /dev/null
token=$(grep -o '<code>[A-Za-z0-9_-]\{43\}</code>' "$tmp/body" | sed 's/<[^>]*>//g')
[ -n "$token" ] || { echo "api: no API token" >&2; exit 1; }

# Warm-up: the first request builds the tenant's snapshot.
for u in $url $base_url; do
	t0=$(date +%s.%N)
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
	    "$u/api/v1/overview?from=2025-06-01&to=2025-06-30")
	[ "$code" = 200 ] || { echo "api: warm-up answered $code" >&2; exit 1; }
	printf 'first request (builds the snapshot of %d messages): %.2f s%s\n' "$msgs" \
	    "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
	    "$([ "$u" = "$url" ] || echo ' (baseline)')"
done

# ms VALUE: wrk's latency (us, ms or s) in milliseconds.
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); n = v + 0;
	print u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }
med() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
cpus=$(nproc)
echo "wrk -t2 -c$conns -d$dur --latency -s bench/api.lua URL; $runs runs, medians;" \
    "server and wrk share $cpus cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$base_url" ]; then
	echo "baseline $BASE and $rt, runs alternating"
	printf '%-22s %9s %8s %8s %9s %8s %8s %6s   %s\n' route "base r/s" \
	    "base p99" "base us" "req/s" "p99 ms" "cpu us" ratio targets
else
	printf '%-22s %9s %8s %8s %8s   %s\n' route "req/s" "p50 ms" "p99 ms" \
	    "cpu us" targets
fi
echo "(cpu us: the server's CPU time a request; ratio: of requests/s)"
fail=0
# cpu PID: the process's user and system time so far, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
# measure URL ROUTE TAG PID: one wrk run, its figures appended to
# $tmp/TAG.*; .cpu gets the server's CPU time a request (microseconds),
# which other work on the machine disturbs less than requests/s.
measure() {
	local c0
	c0=$(cpu "$4")
	RT_PATH=$2 RT_HNAME=$hname RT_HVAL=$hval \
	    wrk -t2 -c"$conns" -d"$dur" --latency -s "$root/bench/api.lua" "$1" > "$tmp/wrk"
	awk -v c="$(( $(cpu "$4") - c0 ))" -v t="$tick" \
	    '/ requests in / { print c / t * 1e6 / $1 }' "$tmp/wrk" >> "$tmp/$3.cpu"
	if grep -q 'Non-2xx\|Socket errors' "$tmp/wrk"; then
		echo "api: $2: errors during the run:" >&2
		grep 'Non-2xx\|Socket errors' "$tmp/wrk" >&2
		fail=1
	fi
	awk '/^Requests\/sec:/ { print $2 }' "$tmp/wrk" >> "$tmp/$3.rps"
	ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk")" >> "$tmp/$3.p50"
	ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk")" >> "$tmp/$3.p99"
}
for route in ${ROUTES:-/api/v1/overview /api/v1/groups /api/v1/domains \
    /api/v1/queue /api/v1/conversations /overview}; do
	case $route in
	/api/*) hname=Authorization hval="Bearer $token" target="p99 < 50 ms, >= 5000 req/s" ;;
	*) hname=Cookie hval="rt_session=$session" target="p99 < 50 ms" ;;
	esac
	for u in $url $base_url; do
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "$hname: $hval" "$u$route?from=2025-06-01&to=2025-06-30")
		[ "$code" = 200 ] || { echo "api: $route answered $code" >&2; exit 1; }
	done
	rm -f "$tmp"/new.* "$tmp"/base.*
	for _ in $(seq "$runs"); do
		[ -z "$base_url" ] || measure "$base_url" "$route" base "$bpid"
		measure "$url" "$route" new "$spid"
	done
	rps=$(med < "$tmp/new.rps") p50=$(med < "$tmp/new.p50") p99=$(med < "$tmp/new.p99")
	verdict=met
	awk -v p="$p99" 'BEGIN { exit !(p >= 50) }' && verdict=MISSED
	case $route in /api/*) awk -v r="$rps" 'BEGIN { exit !(r < 5000) }' && verdict=MISSED ;; esac
	us=$(med < "$tmp/new.cpu")
	if [ -n "$base_url" ]; then
		brps=$(med < "$tmp/base.rps") bp99=$(med < "$tmp/base.p99")
		bus=$(med < "$tmp/base.cpu")
		printf '%-22s %9.0f %8.2f %8.0f %9.0f %8.2f %8.0f %6.2f   %s: %s\n' \
		    "$route" "$brps" "$bp99" "$bus" "$rps" "$p99" "$us" \
		    "$(awk -v a="$rps" -v b="$brps" 'BEGIN { print a / b }')" \
		    "$target" "$verdict"
	else
		printf '%-22s %9.0f %8.2f %8.2f %8.0f   %s: %s\n' "$route" "$rps" \
		    "$p50" "$p99" "$us" "$target" "$verdict"
	fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
