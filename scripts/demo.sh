#!/bin/bash
# The demo (make demo): mail of a fictional company, its report, and the
# web dashboard on it.  In DIR (default build/demo, made afresh each run):
# the demo mail and configuration, a master key (keys/), a store (store/)
# with the tenant "acme", the mail imported under the demo configuration,
# and an owner with a new random password; then the report of the mail,
# and replytime serve in the foreground until Ctrl-C.  The address and
# the login are printed last.
#
# Usage: scripts/demo.sh [--dir DIR] [--messages N] [--listen ADDR:PORT]
# Environment: RT (the binary, default build/replytime), DEMO_DIR,
# DEMO_MESSAGES (default 5000), DEMO_LISTEN (default 127.0.0.1:8080; port
# 0 takes any free port, as tests do).
set -eu
dir=${DEMO_DIR:-}
messages=${DEMO_MESSAGES:-5000}
listen=${DEMO_LISTEN:-127.0.0.1:8080}
while [ $# -gt 1 ]; do
	case "$1" in
	--dir) dir=$2 ;;
	--messages) messages=$2 ;;
	--listen) listen=$2 ;;
	*) break ;;
	esac
	shift 2
done
if [ $# -gt 0 ]; then
	echo "usage: $0 [--dir DIR] [--messages N] [--listen ADDR:PORT]" >&2
	exit 2
fi
# DIR is taken from where the script is run; the default, in the tree.
[ -z "$dir" ] || { mkdir -p "$dir" && dir=$(cd "$dir" && pwd); }
cd "$(dirname "$0")/.."
dir=${dir:-$(pwd)/build/demo}
rt=${RT:-$(pwd)/build/replytime}
tenant=acme
email=owner@acme.example
# The demo mail ends on this day (replytime demo-data); the dashboard's
# default period ends today, so the link below opens the mail's last month.
period="from=2025-06-01&to=2025-06-30"

# A busy port is said before the minutes of setup, not after.
host=${listen%:*} port=${listen##*:}
host=${host#[} host=${host%]}
if [ "$port" != 0 ] && (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
	echo "demo: $listen is in use (another dashboard still running?);" \
	    "stop it, or choose another address: DEMO_LISTEN=127.0.0.1:8081 make demo" >&2
	exit 1
fi

# Afresh each run: only the files this script makes are removed (with
# the key's keyrings: keys/keyring-ID, one per master key).
mkdir -p "$dir"
rm -f "$dir/demo.mbox" "$dir/replytime.ini" "$dir/keys/master.key" \
    "$dir/store/rt.db" "$dir/store/rt.db-wal" "$dir/store/rt.db-shm" "$dir/serve.log"
rm -rf "$dir"/keys/keyring-*
# The key is kept out of the store's folder, as replytime requires.
mkdir -p "$dir/keys" "$dir/store"
export REPLYTIME_KEY_FILE=$dir/keys/master.key
db=$dir/store/rt.db
"$rt" demo-data --messages "$messages" --seed 1 --out "$dir"
"$rt" key init
"$rt" tenant create --db "$db" --tenant $tenant
"$rt" settings set --db "$db" --tenant $tenant "$dir/replytime.ini"
"$rt" import --db "$db" --tenant $tenant "$dir/demo.mbox"

# A random password of 24 letters and digits in groups of six (about 140
# bits); the password rules may refuse one that happens to look like a
# word, so a few tries.
pw=
for _ in 1 2 3 4 5; do
	try=$(head -c 1024 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9' | cut -c1-24 |
	    sed 's/\(......\)/\1-/g; s/-$//')
	if why=$(printf '%s\n' "$try" | "$rt" user create-owner --db "$db" \
	    --tenant $tenant --email $email --password-file - 2>&1); then
		pw=$try
		break
	fi
done
[ -n "$pw" ] || { printf 'demo: could not create the owner:\n%s\n' "$why" >&2; exit 1; }

# The report of the same period as the link: the dashboard's from/to are
# local days in the organization's time zone, to inclusive; report takes
# instants, --to exclusive, so local midnights with their UTC offsets.
# The zone is the default [hours]' timezone (UTC without one).
tz=$(awk '/^\[/ { s = $0 == "[hours]" }
    s && /^timezone *=/ { sub(/^timezone *= */, ""); print; exit }' "$dir/replytime.ini")
tz=${tz:-UTC}
from_t=$(TZ=$tz date -d '2025-06-01 00:00' +%Y-%m-%dT%H:%M:%S%:z)
to_t=$(TZ=$tz date -d '2025-07-01 00:00' +%Y-%m-%dT%H:%M:%S%:z)
echo "Report of 2025-06-01 to 2025-06-30 in $tz (the dashboard link's period):"
"$rt" report --config "$dir/replytime.ini" --from "$from_t" --to "$to_t" "$dir/demo.mbox"

# serve takes the script's place in the foreground, so Ctrl-C (or TERM
# to the script's pid) reaches it and it stops cleanly.  Its log goes
# through a filter that copies it to standard error and serve.log and, once
# serve says where it listens (port 0: the port it took), prints where to
# go and the login.  (A shell loop: read takes a line as it comes.)
filter() {
	local line url
	trap "" INT	# Ctrl-C is for serve: the filter reads to its end
	while IFS= read -r line; do
		printf '%s\n' "$line" >&2
		printf '%s\n' "$line" >> "$dir/serve.log"
		case "$line" in
		"replytime: listening on "*)
			url=${line#replytime: listening on }
			url=${url%/}
			echo "The demo mail ends on 2025-06-30; after logging in (organization: $tenant) see"
			echo "  $url/overview?$period"
			echo "Dashboard: $url/  login: $email / $pw  (Ctrl-C stops)"
			;;
		*"cannot listen"*)
			echo "demo: the dashboard cannot listen on $listen (is the port in use?" \
			    "choose another: DEMO_LISTEN=127.0.0.1:8081 make demo)" >&2
			;;
		esac
	done
}
echo
exec "$rt" serve --db "$db" --listen "$listen" 2> >(filter)
