#!/bin/sh
# tests/install.sh: what "make install DESTDIR=..." lays out, run by make
# check from the build directory (Makefile.am passes the directories in
# HL_*). The daemon, its man pages, README, CHANGES and every guide in
# docs/, the sample configuration under $(sysconfdir)/hotlined and in the
# examples, the systemd unit with expanded paths and the sysusers.d file
# (when configured), checked with systemd-analyze verify and security on
# a copy of the unit whose commands point into DESTDIR. Then a second
# install keeps an edited configuration, and make uninstall removes
# everything else.
set -eu

: "${HL_MAKE:?}" "${HL_BUILDDIR:?}" "${HL_SRCDIR:?}" "${HL_SBINDIR:?}"
: "${HL_MANDIR:?}" "${HL_DOCDIR:?}" "${HL_SYSCONFDIR:?}"
unitdir=${HL_UNITDIR:-}
sysusersdir=${HL_SYSUSERSDIR:-}

fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
ok() {
	echo "ok: $*"
}
# A file that must be there (and, with -x, be executable).
need() {
	if [ "$1" = -x ]; then
		shift
		[ -f "$1" ] && [ -x "$1" ] || { fail "$1: no executable"; return; }
	else
		[ -f "$1" ] || { fail "$1: missing"; return; }
	fi
	ok "${1#"$dest"}"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hotlined-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
# The make running this test passes its own flags and jobserver: not ours.
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "$HL_MAKE" -C "$HL_BUILDDIR" \
	    "$@" DESTDIR="$dest" >"$tmp/make.out" 2>&1 || {
		cat "$tmp/make.out" >&2
		echo "FAIL: make $*" >&2
		exit 1
	}
}
mk install

# The daemon.
need -x "$dest$HL_SBINDIR/hotlined"
"$dest$HL_SBINDIR/hotlined" -V >"$tmp/version" 2>&1 &&
    grep -q '^hotlined ' "$tmp/version" || fail "hotlined -V"

# Man pages: the daemon's, the configuration's, and hotlinectl(1) when the
# tree has it.
need "$dest$HL_MANDIR/man8/hotlined.8"
need "$dest$HL_MANDIR/man5/hotlined.conf.5"
if [ -f "$HL_SRCDIR/docs/hotlinectl.1" ]; then
	need "$dest$HL_MANDIR/man1/hotlinectl.1"
fi

# Documentation: README, CHANGES and everything docs/ has but man pages.
need "$dest$HL_DOCDIR/README"
need "$dest$HL_DOCDIR/CHANGES"
for f in "$HL_SRCDIR"/docs/*.md "$HL_SRCDIR"/docs/*.png \
    "$HL_SRCDIR"/docs/*.svg; do
	[ -f "$f" ] || continue
	need "$dest$HL_DOCDIR/$(basename "$f")"
done

# The sample configuration, in /etc/hotlined (or the configured
# sysconfdir) and in the examples, with the database in the unit's
# StateDirectory; the installed binary checks the installed files.
conf=$dest$HL_SYSCONFDIR/hotlined
for f in hotlined.conf roster.json menus/main.json; do
	need "$conf/$f"
	need "$dest$HL_DOCDIR/examples/$f"
done
if [ -f "$conf/hotlined.conf" ]; then
	grep -q '"database": "/var/lib/hotlined/hotlined.db"' \
	    "$conf/hotlined.conf" || fail "installed hotlined.conf: database"
	cmp -s "$conf/hotlined.conf" "$dest$HL_DOCDIR/examples/hotlined.conf" ||
	    fail "examples/hotlined.conf differs from the installed one"
	if "$dest$HL_SBINDIR/hotlined" -t -c "$conf/hotlined.conf" \
	    >"$tmp/check.out" 2>&1; then
		ok "hotlined -t on the installed configuration"
	else
		cat "$tmp/check.out" >&2
		fail "hotlined -t on the installed configuration"
	fi
fi

# The unit: paths expanded, and what systemd makes of it.
if [ -n "$unitdir" ]; then
	unit=$dest$unitdir/hotlined.service
	need "$unit"
	if grep -n '\${\|@[a-z_]*@' "$unit" >&2; then
		fail "hotlined.service: unexpanded paths"
	fi
	grep -qx "ExecStart=$HL_SBINDIR/hotlined -c $HL_SYSCONFDIR/hotlined/hotlined.conf" \
	    "$unit" || fail "hotlined.service: ExecStart"
	grep -qx "ExecReload=$HL_SBINDIR/hotlined -t -c $HL_SYSCONFDIR/hotlined/hotlined.conf" \
	    "$unit" || fail "hotlined.service: ExecReload check"
	grep -qx 'Type=notify' "$unit" || fail "hotlined.service: Type=notify"
	if command -v systemd-analyze >/dev/null 2>&1; then
		# verify needs the commands to exist: a copy pointing into
		# DESTDIR; the man pages of Documentation= are DESTDIR's.
		mkdir -p "$tmp/unit"
		sed -e "s|=$HL_SBINDIR/|=$dest$HL_SBINDIR/|" \
		    -e "s| $HL_SYSCONFDIR/| $dest$HL_SYSCONFDIR/|" \
		    "$unit" >"$tmp/unit/hotlined.service"
		if command -v man >/dev/null 2>&1; then
			man_opt=--man=yes
		else
			man_opt=--man=no
		fi
		# Any word from verify is a problem: it warns, exit 0.
		if MANPATH=$dest$HL_MANDIR systemd-analyze verify $man_opt \
		    "$tmp/unit/hotlined.service" >"$tmp/verify.out" 2>&1 &&
		    ! [ -s "$tmp/verify.out" ]; then
			ok "systemd-analyze verify $man_opt"
		else
			cat "$tmp/verify.out" >&2
			fail "systemd-analyze verify"
		fi
		# The hardening, as systemd scores it: "OK" is 2.0 or less.
		if systemd-analyze security --offline=yes --threshold=20 \
		    "$tmp/unit/hotlined.service" >"$tmp/security.out" 2>&1
		then
			ok "systemd-analyze security: $(grep -o \
			    'exposure level.*' "$tmp/security.out")"
		else
			tail -5 "$tmp/security.out" >&2
			fail "systemd-analyze security: exposure above 2.0"
		fi
	else
		fail "systemd-analyze not found (apt-get install systemd)"
	fi
else
	echo "skipped: the unit (configured --with-systemdsystemunitdir=no)"
fi
if [ -n "$sysusersdir" ]; then
	need "$dest$sysusersdir/hotlined.conf"
	grep -q '^u hotlined ' "$dest$sysusersdir/hotlined.conf" ||
	    fail "sysusers.d/hotlined.conf: no user hotlined"
	# What systemd-sysusers would make of it, on an empty root.
	if command -v systemd-sysusers >/dev/null 2>&1; then
		mkdir -p "$tmp/sysroot/etc"
		if systemd-sysusers --root="$tmp/sysroot" --dry-run \
		    "$dest$sysusersdir/hotlined.conf" >"$tmp/sysusers.out" 2>&1 &&
		    grep -q "Creating user 'hotlined'" "$tmp/sysusers.out"; then
			ok "systemd-sysusers --dry-run creates hotlined"
		else
			cat "$tmp/sysusers.out" >&2
			fail "systemd-sysusers --dry-run"
		fi
	fi
else
	echo "skipped: the sysusers.d file (configured --with-sysusersdir=no)"
fi

# An admin's edit survives make install and make uninstall; the rest goes.
if [ -f "$conf/hotlined.conf" ]; then
	printf '{ "comment": "edited" }\n' >"$conf/hotlined.conf"
	mk install
	grep -q edited "$conf/hotlined.conf" ||
	    fail "make install overwrote an edited hotlined.conf"
	mk uninstall
	grep -q edited "$conf/hotlined.conf" 2>/dev/null ||
	    fail "make uninstall removed an edited hotlined.conf"
	rm -f "$conf/hotlined.conf"
	left=$(find "$dest" -type f | sed "s|^$dest||")
	if [ -n "$left" ]; then
		fail "make uninstall left: $left"
	else
		ok "make uninstall removes the rest"
	fi
fi

[ "$fails" -eq 0 ] || { echo "$fails failed" >&2; exit 1; }
echo "install layout: all passed"
