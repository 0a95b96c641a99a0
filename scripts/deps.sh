#!/bin/sh
# Installs the Debian packages replytime needs to build, test and run.
# Usage: scripts/deps.sh [build|test|bench]   (default: test)
# Runs apt-get only when something is missing, so repeated runs are quick.
set -eu

build_pkgs="build-essential cmake ninja-build pkg-config zlib1g-dev libzstd-dev zstd libsqlite3-dev libsodium-dev tzdata libmicrohttpd-dev libcurl4-openssl-dev libcrack2-dev cracklib-runtime libssl-dev"
test_pkgs="$build_pkgs clang-14 libclang-rt-14-dev libgmime-3.0-dev cppcheck jq python3 curl openssl sqlite3 python3-aiosmtpd dovecot-imapd chromium"
# The browser test (tests/e2e) needs Node.js (20 or later, for
# playwright-core) and npm: Debian's, unless an npm is already on the PATH.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs nodejs npm"
bench_pkgs="$build_pkgs hyperfine time jq dovecot-imapd openssl python3 wrk"

case "${1:-test}" in
build) pkgs=$build_pkgs ;;
test) pkgs=$test_pkgs ;;
bench) pkgs=$bench_pkgs ;;
*) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
