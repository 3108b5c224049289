# bench/common.sh: what the bench/workload-* scripts share, sourced (not
# run) by them: a private copy of conf/ with free ports, a private
# database and no limits in the way; hotlined started and stopped; a
# bench program compiled against the build tree; the daemon's memory, CPU
# time and metrics. Everything started is stopped on exit; only loopback.
# A script sources it, then calls: bench_init NAME BUILD_DIR [TMPDIR].

# Set top, build, tmp (TMPDIR/NAME, or a new directory removed at exit),
# seconds (BENCH_SECONDS, default 10) and the exit trap.
bench_init() {
	name=$1
	top=$(cd "$(dirname "$0")/.." && pwd)
	build=$(cd "${2:-$top/build}" && pwd)
	if [ -n "${3:-}" ]; then
		tmp=$3/$name
		rm -rf "$tmp"
		mkdir -p "$tmp"
		own_tmp=
	else
		tmp=$(mktemp -d)
		own_tmp=1
	fi
	seconds=${BENCH_SECONDS:-10}
	pid=
	bench_pids=
	trap bench_cleanup EXIT
	trap 'exit 1' INT TERM HUP PIPE
	super=EXAMPLE-token-malis-bench-00000004
	counsellor=EXAMPLE-token-sophea-change-me-0001
}

# Stop what was started (the daemon last, so that clients see it go
# after them) and remove the directory if it is ours.
bench_cleanup() {
	for p in $bench_pids; do
		kill "$p" 2>/dev/null || true
	done
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	[ -n "$own_tmp" ] && rm -rf "$tmp"
	return 0
}

# Run a command in the background and wait for it, so that a signal
# stops the script (and, by the exit trap, the command) at once.
bench_wait() {
	bench_saved=$bench_pids
	"$@" &
	bench_pids="$bench_saved $!"
	bench_st=0
	wait $! || bench_st=$?
	bench_pids=$bench_saved
	return $bench_st
}

# Compile bench/NAME.c into $tmp/NAME; with "lib", against libhotlined.a.
bench_cc() {
	libs=$(pkg-config --cflags --libs libevent)
	lib=
	if [ "${2:-}" = lib ]; then
		libs=$(pkg-config --cflags --libs libevent_pthreads libevent \
		    libcurl sqlite3 libpq jansson libsodium)
		lib=$build/libhotlined.a
	fi
	cc -O2 -D_GNU_SOURCE -pthread -I"$top/include" "$top/bench/$1.c" \
	    $lib $libs -lm -o "$tmp/$1"
}

# Copy conf/ into $tmp: free ports, the database bench.db, sessions that
# stay (an hour), rate limits off, a supervisor token for /metrics and
# the overview; then the keys given (PATH=VALUE, see bench/benchconf).
bench_conf() {
	cp -r "$top/conf/." "$tmp/"
	"$top/bench/benchconf" "$tmp/hotlined.conf" listen.port=0 \
	    api.port=0 database=bench.db session.idle_timeout=3600 \
	    session.max_duration=3600 session.max_sessions=1000000 \
	    limits.per_source.per_second=0 \
	    limits.api_per_source.per_second=0 \
	    limits.per_number.requests=0 "$@"
	"$top/bench/benchconf" "$tmp/roster.json" people.malis.token=$super
}

# Start hotlined on $tmp/hotlined.conf; set pid, port (webhooks) and
# aport (counsellor API) once it listens.
bench_start() {
	as_root=
	[ "$(id -u)" -eq 0 ] && as_root="-u root"  # it refuses root otherwise
	"$build/hotlined" -c "$tmp/hotlined.conf" $as_root 2>"$tmp/log" &
	pid=$!
	port=
	aport=
	at='127.0.0.1:\([0-9]*\).*/\1/p'
	for i in $(seq 600); do
		port=$(sed -n "s/^hotlined: listening on $at" "$tmp/log")
		aport=$(sed -n "s/^hotlined: counsellor API listening on $at" \
		    "$tmp/log")
		[ -n "$port" ] && [ -n "$aport" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "$name: hotlined did not start:" >&2
	tail -5 "$tmp/log" >&2
	exit 1
}

# Stop the daemon and wait for it.
bench_stop() {
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pid=
}

# A line of the daemon's /proc status in KiB (VmRSS, VmHWM).
bench_status() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/"$pid"/status
}

# The daemon's CPU time so far (user and system, every thread), seconds.
bench_cpu() {
	sed 's/.*) //' /proc/"$pid"/stat |
	    awk -v hz="$(getconf CLK_TCK)" \
	    '{ printf "%.2f\n", ($12 + $13) / hz }'
}

# A value of the daemon's /metrics (the first sample of family $1).
bench_metric() {
	curl -fsS -H "Authorization: Bearer $super" \
	    "http://127.0.0.1:$aport/metrics" |
	    awk -v k="$1" '!found && ($1 == k || index($1, k "{") == 1) {
	        print $2; found = 1 }'
}
