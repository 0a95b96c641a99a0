#!/bin/bash
# The dashboard end to end in a real browser: sets up a tenant with demo
# data, an SMTP sink and replytime serve on loopback, installs
# playwright-core (npm ci, when node_modules is missing or stale) and runs
# dashboard.mjs in headless Chromium against them.  Screenshots go to
# $RT_BUILD_DIR/e2e-shots.  Prints TAP; exit 77 when Chromium or Node.js
# is not installed.
set -u
rt=${RT:?}
here=$(cd "$(dirname "$0")" && pwd)
build=${RT_BUILD_DIR:-$(dirname "$rt")}
chromium=${E2E_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || chromium=$(command -v chromium || true)
[ -n "$chromium" ] || { echo "1..0 # SKIP chromium not installed"; exit 77; }
command -v node >/dev/null || { echo "1..0 # SKIP node not installed"; exit 77; }
# playwright-core 1.65 needs Node.js 20 or later (Debian 12's own is 18).
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "Bail out! Node.js $node_major is too old: playwright-core needs 20 or later"; exit 1; }
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
    { echo "Bail out! python3-aiosmtpd is needed (scripts/deps.sh test)"; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# playwright-core, pinned by package-lock.json: installed again when the
# lock file changed since the last install.  flock keeps two builds'
# test runs from installing at once.
deps() {
	local want have
	want=$(sha256sum < "$here/package-lock.json" | cut -d' ' -f1)
	have=$(cat "$here/node_modules/.rt-lock" 2>/dev/null)
	[ "$want" = "$have" ] && [ -f "$here/node_modules/playwright-core/package.json" ] && return 0
	command -v npm >/dev/null || { echo "Bail out! npm is needed to install playwright-core (scripts/deps.sh test)"; return 1; }
	if ! (cd "$here" && npm ci --no-audit --no-fund --loglevel=error > "$tmp/npm.log" 2>&1); then
		echo "Bail out! npm ci failed in tests/e2e (network or registry?):"
		sed 's/^/# /' "$tmp/npm.log"
		return 1
	fi
	echo "$want" > "$here/node_modules/.rt-lock"
}
if command -v flock >/dev/null; then
	exec 9> "$here/.npm.lock"
	flock 9
	deps || exit 1
	flock -u 9
else
	deps || exit 1
fi

# A tenant with demo data and its settings.
export REPLYTIME_KEY_FILE=$tmp/keys/master.key
db=$tmp/db/rt.db
messages=3000
mkdir -p "$tmp/db"
"$rt" key init 2>/dev/null || { echo "Bail out! key init failed"; exit 1; }
"$rt" demo-data --messages $messages --seed 7 --out "$tmp/demo" 2>/dev/null &&
    "$rt" tenant create --db "$db" --tenant acme 2>/dev/null &&
    "$rt" settings set --db "$db" --tenant acme "$tmp/demo/replytime.ini" &&
    "$rt" import --db "$db" --tenant acme "$tmp/demo/demo.mbox" 2>/dev/null ||
    { echo "Bail out! setting up the tenant failed"; exit 1; }

# The SMTP sink: every message into a Maildir.
sport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/mail/cur" "$tmp/mail/new" "$tmp/mail/tmp"
/usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:$sport -c aiosmtpd.handlers.Mailbox "$tmp/mail" 2> "$tmp/smtp.log" &
pids+=($!)
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/$sport) 2>/dev/null && break
	sleep 0.05
done

"$rt" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --smtp "smtp://127.0.0.1:$sport" \
    --smtp-from replytime@acme.example 2> "$tmp/serve.log" &
pids+=($!)
url=
for _ in $(seq 200); do
	url=$(grep -o 'http://[^ ]*[0-9]' "$tmp/serve.log" | head -1)
	[ -n "$url" ] && break
	sleep 0.05
done
[ -n "$url" ] || { echo "Bail out! replytime serve did not start"; sed 's/^/# /' "$tmp/serve.log"; exit 1; }
"$rt" user create-owner --db "$db" --tenant acme --email boss@acme.example \
    --base-url "$url" > "$tmp/setup.link" 2>/dev/null ||
    { echo "Bail out! user create-owner failed"; exit 1; }

shots=$build/e2e-shots
rm -rf "$shots"
mkdir -p "$shots"
E2E_URL=$url E2E_SETUP_LINK=$(cat "$tmp/setup.link") E2E_MAILDIR=$tmp/mail \
E2E_SHOTS=$shots E2E_OUT=$tmp E2E_DB=$db E2E_TENANT=acme E2E_MESSAGES=$messages \
E2E_CHROMIUM=$chromium RT=$rt \
    node "$here/dashboard.mjs"
r=$?

# A clean stop, and nothing from the sanitizers in the server's log.
kill -TERM "${pids[1]}"; wait "${pids[1]}"; s=$?
pids=("${pids[0]}")
if [ $s -ne 0 ] || ! grep -q 'replytime: stopped' "$tmp/serve.log"; then
	echo "# replytime serve did not stop cleanly (status $s):"; sed 's/^/# /' "$tmp/serve.log"; r=1
fi
if grep -q 'Sanitizer\|runtime error' "$tmp/serve.log"; then
	echo "# sanitizer report in the server's log:"; sed 's/^/# /' "$tmp/serve.log"; r=1
fi
echo "# screenshots in $shots"
exit $r
