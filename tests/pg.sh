#!/bin/sh
# tests/pg.sh: the integration suites again, on PostgreSQL. Starts a
# throwaway cluster of its own (scripts/pgtmp: a real server on a Unix
# socket, password authentication), runs each suite named in PG_SUITES
# with $HOTLINED_TEST_DATABASE set (flow.c then points every daemon at
# that database, emptied before each test, and reads it back there), and
# stops the cluster. The suites run in PG_LANES lanes side by side (3),
# each lane on a database of its own, one suite after the other; each
# suite's Check output stays in this test's log, lane by lane.
set -eu
: "${TOP_SRCDIR:?}"
# Every suite of the daemon's flows but those of SQLite's own tools (its
# file's backup and key rotation, the migration of an old plaintext file).
: "${PG_SUITES:=tests/integration/check_callback tests/integration/check_claims
tests/integration/check_console tests/integration/check_ctl
tests/integration/check_delivery tests/integration/check_flood
tests/integration/check_journey tests/integration/check_limits
tests/integration/check_metrics tests/integration/check_privacy
tests/integration/check_rates tests/integration/check_sdnotify
tests/integration/check_simulate tests/integration/check_sms
tests/integration/check_stats tests/integration/check_telegram}"
lanes=${PG_LANES:-3}
dir=$(mktemp -d "${TMPDIR:-/tmp}/pg.XXXXXX")
rmdir "$dir"
uri=$("$TOP_SRCDIR"/scripts/pgtmp start "$dir")
trap '"$TOP_SRCDIR"/scripts/pgtmp stop "$dir" >/dev/null 2>&1 || true' EXIT
HOTLINED_TEST_DATABASE_PASSWORD=$dir/password
HOTLINED_TEST_DATABASE_DIR=$dir/data
export HOTLINED_TEST_DATABASE_PASSWORD HOTLINED_TEST_DATABASE_DIR

# Lane k runs every lanes-th suite from the k-th, on database hotlined_k.
lane() {
	k=$1
	"$TOP_SRCDIR"/scripts/pgtmp psql "$dir" -q -v ON_ERROR_STOP=1 \
	    -c "CREATE DATABASE hotlined_$k" >/dev/null
	HOTLINED_TEST_DATABASE=$(echo "$uri" |
	    sed "s|/hotlined?|/hotlined_$k?|")
	export HOTLINED_TEST_DATABASE
	i=0
	rc=0
	for s in $PG_SUITES; do
		if [ $((i % lanes)) -eq "$k" ]; then
			echo "== $s on PostgreSQL"
			./"$s" || rc=1
		fi
		i=$((i + 1))
	done
	return $rc
}

pids=""
k=0
while [ "$k" -lt "$lanes" ]; do
	lane "$k" >"$dir/lane.$k" 2>&1 &
	pids="$pids $!"
	k=$((k + 1))
done
rc=0
for p in $pids; do
	wait "$p" || rc=1
done
k=0
while [ "$k" -lt "$lanes" ]; do
	cat "$dir/lane.$k"
	k=$((k + 1))
done
exit $rc
