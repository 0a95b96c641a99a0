# Helpers for the tests that drive replytime serve with curl.  Source it
# after setting rt (the binary), db (the database) and tmp (a scratch
# directory) and making the array pids (servers to stop); pw is the
# password set_password chooses.
#
#	start NAME ARGS...	runs replytime serve on a free port (log in
#				$tmp/NAME.log); sets url
#	c JAR ARGS...		curl with a cookie jar; prints the status,
#				the body in $tmp/body, the head in $tmp/head
#	field NAME		the value of input NAME in $tmp/body
#	csrf JAR		the CSRF token of JAR's session
#	set_password JAR LINK	follows a one-time link and sets $pw
#	login JAR ORG EMAIL PASSWORD [CURL ARGS]
#				logs in; prints the status
#	demo_tenants [--no-import] NAME...
#				creates each tenant in $db with the settings
#				of the demo data in $tmp/demo, and imports its
#				mail unless --no-import
# c and the others use $U, the server's base URL.

start() {
	local name=$1; shift
	"$rt" serve --db "$db" --listen 127.0.0.1:0 --threads 2 "$@" 2> "$tmp/$name.log" &
	pids+=($!)
	for _ in $(seq 100); do
		url=$(grep -o 'https\?://[^ ]*[0-9]' "$tmp/$name.log" | head -1)
		[ -n "$url" ] && return 0
		sleep 0.05
	done
	echo "# server $name did not start"; cat "$tmp/$name.log"; return 1
}

c() { local j=$1; shift; curl -s -o "$tmp/body" -D "$tmp/head" -b "$tmp/$j.jar" -c "$tmp/$j.jar" -w '%{http_code}' "$@"; }
field() { grep -o "name=\"$1\" value=\"[^\"]*\"" "$tmp/body" | head -1 | sed 's/.*value="//;s/"$//'; }
csrf() { c "$1" "$U/password" >/dev/null; field csrf; }

set_password() {
	local j=$1 link=$2 path tok pre
	path=${link#*//*/}; path=/${path%%\?*}; tok=${link##*t=}
	c "$j" "$U$path?t=$tok" > /dev/null
	pre=$(field csrf)
	c "$j" "$U$path" --data-urlencode "csrf=$pre" --data-urlencode "t=$tok" \
	    --data-urlencode "password=$pw" --data-urlencode "confirm=$pw"
}

login() {
	local pre
	c "$1" "$U/login" > /dev/null
	pre=$(field csrf)
	c "$1" "$U/login" --data-urlencode "csrf=$pre" --data-urlencode "organization=$2" \
	    --data-urlencode "email=$3" --data-urlencode "password=$4" "${@:5}"
}

demo_tenants() {
	local imp=1 t
	[ "$1" = --no-import ] && { imp=0; shift; }
	for t in "$@"; do
		"$rt" tenant create --db "$db" --tenant "$t" 2>/dev/null
		"$rt" settings set --db "$db" --tenant "$t" "$tmp/demo/replytime.ini"
		[ $imp -eq 0 ] || "$rt" import --db "$db" --tenant "$t" "$tmp/demo/demo.mbox" 2>/dev/null
	done
}
