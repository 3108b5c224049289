#!/bin/sh
# tests/pg.sh: the integration suites again, on PostgreSQL. Starts a
# throwaway cluster of its own (scripts/pgtmp: a real server on a Unix
# socket, password authentication), runs each suite named in PG_SUITES
# with $HOTLINED_TEST_DATABASE set (flow.c then points every daemon at
# that database, emptied before each test, and reads it back there), and
# stops the cluster. Each suite's Check summary stays in this test's log.
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
dir=$(mktemp -d "${TMPDIR:-/tmp}/pg.XXXXXX")
rmdir "$dir"
uri=$("$TOP_SRCDIR"/scripts/pgtmp start "$dir")
trap '"$TOP_SRCDIR"/scripts/pgtmp stop "$dir" >/dev/null 2>&1 || true' EXIT
HOTLINED_TEST_DATABASE=$uri
HOTLINED_TEST_DATABASE_PASSWORD=$dir/password
HOTLINED_TEST_DATABASE_DIR=$dir/data
export HOTLINED_TEST_DATABASE HOTLINED_TEST_DATABASE_PASSWORD \
    HOTLINED_TEST_DATABASE_DIR
rc=0
for s in $PG_SUITES; do
	echo "== $s on PostgreSQL"
	./"$s" || rc=1
done
exit $rc
