# The tenant "v" of MESSAGES demo messages that bench/views.sh and
# bench/api.sh share, made once in bench/out and reused.  Sourced after
# setting rt, msgs and out; sets REPLYTIME_KEY_FILE, d (the demo data)
# and db (the database).
mkdir -p "$out/keys"
export REPLYTIME_KEY_FILE=$out/keys/bench.key
[ -f "$REPLYTIME_KEY_FILE" ] || "$rt" key init 2>/dev/null
d=$out/demo-$msgs
[ -f "$d/demo.mbox" ] || "$rt" demo-data --messages "$msgs" --seed 1 --out "$d" >/dev/null 2>&1
db=$out/db-views-$msgs/rt.db
if [ ! -f "$db" ]; then
	mkdir -p "$(dirname "$db")"
	"$rt" tenant create --db "$db" --tenant v 2>/dev/null
	"$rt" settings set --db "$db" --tenant v "$d/replytime.ini"
	"$rt" import --db "$db" --tenant v "$d/demo.mbox" 2>/dev/null
fi
