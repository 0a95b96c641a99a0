# Servers on the shared tenant "v" (bench/lib/store1m.sh, sourced first)
# and an owner to log in with.  Sourced with rt, db and who (a name for
# messages) set; makes tmp (removed on exit, with every server started
# stopped) and defines:
#	serve BINARY LOG	starts BINARY serve (plus SERVE_ARGS); sets
#				pid and url
#	c CURL-ARGS		curl with the cookie jar $tmp/jar: the body
#				in $tmp/body, prints the status
#	csrf			the form token of $tmp/body
#	login URL		logs the owner in (the session in the jar)
email=bench@acme.example pw=Copper-Lantern-84-Orchard
"$rt" user list --db "$db" --tenant v | grep -q "	$email	" ||
	echo "$pw" | "$rt" user create-owner --db "$db" --tenant v --email $email \
	    --password-file - 2>/dev/null
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
serve() {
	# shellcheck disable=SC2086
	"$1" serve --db "$db" --listen 127.0.0.1:0 ${SERVE_ARGS:-} 2> "$2" &
	pid=$!
	pids="$pids $pid"
	url=
	for _ in $(seq 200); do
		url=$(grep -o 'http://[^ ]*[0-9]' "$2" | head -1) || true
		[ -n "$url" ] && break
		sleep 0.05
	done
	[ -n "$url" ] || { cat "$2" >&2; exit 1; }
}
c() { curl -s -o "$tmp/body" -b "$tmp/jar" -c "$tmp/jar" -w '%{http_code}' "$@"; }
csrf() { grep -o 'name="csrf" value="[^"]*"' "$tmp/body" | head -1 | sed 's/.*value="//;s/"$//'; }
login() {
	c "$1/login" > /dev/null
	[ "$(c "$1/login" --data-urlencode "csrf=$(csrf)" -d organization=v \
	    --data-urlencode "email=$email" --data-urlencode "password=$pw")" = 303 ] ||
		{ echo "$who: login failed" >&2; exit 1; }
}
