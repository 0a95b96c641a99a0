#!/bin/sh
# Lint steps: `banned` greps for functions the house style bans;
# `cppcheck` runs cppcheck over the sources.
set -u
cd "$(dirname "$0")/.."
case "${1:-all}" in
banned|all)
	# strcpy strcat sprintf strncpy strtok atoi atol gmtime localtime,
	# and p = realloc(p, ...).  localtime_r is allowed in tests only (as
	# the oracle of the time zone reader).
	bad=$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|strncpy|strtok|atoi|atol|atoll|gets|gmtime|localtime)[[:space:]]*\(' \
	    $(find src tests -name '*.c' -o -name '*.h') | grep -v '^\S*:[0-9]*:\s*\*')
	re=$(grep -nE '\b([a-z_>.-]+)[[:space:]]*=[[:space:]]*realloc\([[:space:]]*\1[[:space:]]*,' \
	    $(find src tests -name '*.c'))
	if [ -n "$bad$re" ]; then
		echo "lint: banned functions:"; echo "$bad"; echo "$re"
		exit 1
	fi
	echo "lint: no banned functions"
	[ "${1:-all}" = all ] || exit 0
	;;
esac
case "${1:-all}" in
cppcheck|all)
	cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	    --enable=warning,portability --suppress=missingIncludeSystem \
	    -D__GNUC__ -D_GNU_SOURCE -I src src 2>&1
	rc=$?
	[ $rc -eq 0 ] && echo "lint: cppcheck clean"
	exit $rc
	;;
esac
