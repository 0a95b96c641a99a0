#!/bin/bash
# run.sh: the differential test against GMime 3 over the shared corpora.
#
# Runs $ORACLE (tests/diff/gmime_oracle.c) over every message of the three
# corpora under $RT_CORPORA (default: ../shared/corpora beside the source
# tree), prints its summary and fails when fewer than 99.9% of all
# messages agree with GMime on every compared field, counting as agreeing
# the messages that differ only in classes where we are right (GMime
# departs from the RFCs or the metrics spec); every difference is still
# listed in the report.  The method, the figures and the reading of every
# disagreement class: docs/differential.md.
#
# Exit status: 0 pass, 1 fail, 77 skipped (no corpora folder: the project
# must build and pass its tests on machines without them).
#
# Environment: ORACLE (required), RT_CORPORA, RT_SOURCE_DIR,
# RT_DIFF_REPORT (the report file; default diff-gmime-report.txt in the
# current directory, which is the build directory under CTest),
# RT_DIFF_THRESHOLD (default 0.999), RT_DIFF_GATE (explained, the
# default: messages that agree or differ only in classes where we are
# right; raw: messages that agree on every field).
set -u

src=${RT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
corpora=${RT_CORPORA:-$src/../shared/corpora}
report=${RT_DIFF_REPORT:-diff-gmime-report.txt}
threshold=${RT_DIFF_THRESHOLD:-0.999}
gate=${RT_DIFF_GATE:-explained}

if [ ! -d "$corpora" ]; then
	echo "skipped: corpora folder not found at $corpora"
	exit 77
fi
if [ -z "${ORACLE:-}" ] || [ ! -x "$ORACLE" ]; then
	echo "run.sh: ORACLE must name the built gmime_oracle" >&2
	exit 2
fi

# Name the pieces of each corpus explicitly: the corpus folders also hold
# README and manifest files that are not mail.
args=()
found=0

if [ -f "$corpora/linux-raid.mbox.zst" ]; then
	args+=(-c linux-raid "$corpora/linux-raid.mbox.zst")
	found=1
else
	echo "note: $corpora/linux-raid.mbox.zst absent, corpus skipped"
fi

sa=()
for d in easy_ham easy_ham_2 hard_ham spam spam_2; do
	[ -d "$corpora/spamassassin/$d" ] && sa+=("$corpora/spamassassin/$d")
done
if [ ${#sa[@]} -gt 0 ]; then
	args+=(-c spamassassin "${sa[@]}")
	found=1
else
	echo "note: $corpora/spamassassin absent, corpus skipped"
fi

# torture/<source>/ is a Maildir (cur/); its mbox/ folder is read apart.
tt=()
for d in "$corpora"/torture/*/; do
	[ -d "$d/cur" ] && tt+=("${d%/}")
	[ -d "$d/mbox" ] && tt+=("${d%/}/mbox")
done
if [ ${#tt[@]} -gt 0 ]; then
	args+=(-c torture "${tt[@]}")
	found=1
else
	echo "note: $corpora/torture absent, corpus skipped"
fi

if [ "$found" -eq 0 ]; then
	echo "skipped: no corpus found in $corpora"
	exit 77
fi

"$ORACLE" -r "$report" -t "$threshold" -g "$gate" "${args[@]}"
rc=$?
echo "report: $report"
case $rc in
0)	exit 0 ;;
1)	echo "FAIL: agreement ($gate) below $threshold" \
	    "(every disagreement is listed in $report)"
	exit 1 ;;
*)	echo "FAIL: the oracle could not run (status $rc)"
	exit 1 ;;
esac
