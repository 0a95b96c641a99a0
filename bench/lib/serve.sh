# replytime serve on the shared tenant "v" (bench/lib/store1m.sh, sourced
# first), with an owner logged in.  Sourced with rt, db and a name for
# messages (who) set; sets tmp (removed on exit), spid, url and the
# cookie jar $tmp/jar, and defines c (curl with the jar: the body in
# $tmp/body, prints the status) and csrf (the form token of $tmp/body).
# SERVE_ARGS: more options for serve.
email=bench@acme.example pw=Copper-Lantern-84-Orchard
"$rt" user list --db "$db" --tenant v | grep -q "	$email	" ||
	echo "$pw" | "$rt" user create-owner --db "$db" --tenant v --email $email \
	    --password-file - 2>/dev/null
tmp=$(mktemp -d)
spid=
cleanup() { [ -z "$spid" ] || { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; }; rm -rf "$tmp"; }
trap cleanup EXIT
# shellcheck disable=SC2086
"$rt" serve --db "$db" --listen 127.0.0.1:0 ${SERVE_ARGS:-} 2> "$tmp/serve.log" &
spid=$!
url=
for _ in $(seq 200); do
	url=$(grep -o 'http://[^ ]*[0-9]' "$tmp/serve.log" | head -1) || true
	[ -n "$url" ] && break
	sleep 0.05
done
[ -n "$url" ] || { cat "$tmp/serve.log" >&2; exit 1; }
c() { curl -s -o "$tmp/body" -b "$tmp/jar" -c "$tmp/jar" -w '%{http_code}' "$@"; }
csrf() { grep -o 'name="csrf" value="[^"]*"' "$tmp/body" | head -1 | sed 's/.*value="//;s/"$//'; }
c "$url/login" > /dev/null
[ "$(c "$url/login" --data-urlencode "csrf=$(csrf)" -d organization=v \
    --data-urlencode "email=$email" --data-urlencode "password=$pw")" = 303 ] ||
	{ echo "$who: login failed" >&2; exit 1; }
