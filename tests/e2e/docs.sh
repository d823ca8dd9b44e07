#!/bin/bash
# The manual page agrees with the program: the options --help prints and
# the ones options.c accepts, the keys of a real JSON snapshot, the version;
# and it formats without a groff warning. Speaks TAP; a failed check is a
# "not ok" line, the script itself always exits 0.
#
# Environment: VIGIL (the built binary), SRCDIR (the source tree); CI=true
# turns a missing groff or python3 from a skip into a failure.

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAN=$SRCDIR/doc/vigil.1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-docs.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

echo 1..8
n=0

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

# fail DESCRIPTION [DETAIL...]: each detail line becomes a TAP comment.
fail() {
	local d=$1 l
	n=$((n + 1))
	echo "not ok $n - $d"
	shift
	for l in "$@"; do
		[ -n "$l" ] && printf '%s\n' "$l" | sed 's/^/# /'
	done
}

# A missing tool skips a check, except in CI where it must be there.
missing() {
	if [ "${CI:-}" = true ]; then
		fail "$1 ($2 missing)"
	else
		n=$((n + 1))
		echo "ok $n # SKIP $2 missing"
	fi
}

# Run vigil with a time limit, so a hang fails the check, not the run.
vigil() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 60 "$VIGIL" "$@"
	else
		"$VIGIL" "$@"
	fi
}

# The lines of one .SH section of the man page, without its .SH line.
man_section() {
	awk -v want="$1" '
		/^\.SH/ {
			t = $0
			sub(/^\.SH[ \t]*/, "", t)
			gsub(/"/, "", t)
			sub(/[ \t]+$/, "", t)
			insec = (t == want)
			next
		}
		insec
	' "$MAN"
}

# Long options written the roff way (\-\-name), as plain --name, one a line.
roff_long_options() {
	grep -oE '\\-\\-[a-z0-9]+(\\-[a-z0-9]+)*' | sed 's/\\-/-/g' | sort -u
}

# Names in the first list that are not in the second (both files sorted).
missing_from() {
	comm -23 "$1" "$2"
}

have_man=1
if [ ! -r "$MAN" ]; then
	have_man=0
fi
have_vigil=1
if [ -z "${VIGIL:-}" ] || [ ! -x "$VIGIL" ]; then
	have_vigil=0
fi

# --- options -----------------------------------------------------------

[ $have_man = 1 ] && roff_long_options <"$MAN" >"$TMP/man-all"
[ $have_man = 1 ] && man_section OPTIONS | roff_long_options >"$TMP/man-options"
# The options the OPTIONS section has an entry for: its .TP tag lines.
[ $have_man = 1 ] && man_section OPTIONS |
    awk 'tag { print } { tag = ($0 ~ /^\.TP([ \t]|$)/) }' |
    roff_long_options >"$TMP/man-entries"

help_ok=0
if [ $have_vigil = 1 ] && vigil --help >"$TMP/help" 2>"$TMP/help.err"; then
	grep -oE -- '--[a-z0-9]+(-[a-z0-9]+)*' "$TMP/help" | sort -u \
	    >"$TMP/help-options"
	[ -s "$TMP/help-options" ] && help_ok=1
fi

# 1: every long option --help prints is in the man page.
d="every long option in --help is in vigil.1"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ $help_ok = 0 ]; then
	fail "$d" "'$VIGIL --help' failed or printed no long option" \
	    "$(cat "$TMP/help.err" 2>/dev/null)"
else
	miss=$(missing_from "$TMP/help-options" "$TMP/man-all")
	if [ -z "$miss" ]; then
		pass "$d ($(wc -l <"$TMP/help-options") options)"
	else
		fail "$d" "not in vigil.1 (as \\-\\-name):" "$miss"
	fi
fi

# 2: every option the OPTIONS section has an entry for is in --help.
d="every option entry in vigil.1 OPTIONS is in --help"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ ! -s "$TMP/man-entries" ]; then
	fail "$d" "no .TP entry with a \\-\\-option in the OPTIONS section"
elif [ $help_ok = 0 ]; then
	fail "$d" "'$VIGIL --help' failed or printed no long option"
else
	miss=$(missing_from "$TMP/man-entries" "$TMP/help-options")
	if [ -z "$miss" ]; then
		pass "$d ($(wc -l <"$TMP/man-entries") entries)"
	else
		fail "$d" "documented but not in --help:" "$miss"
	fi
fi

# 3: every name in options.c's long option table is in OPTIONS (this
# catches spellings --help leaves out, such as --no-colour).
d="every long option in options.c is in vigil.1 OPTIONS"
src=$SRCDIR/src/core/options.c
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ ! -r "$src" ]; then
	fail "$d" "cannot read $src"
else
	sed -n '/options_long\[\][[:space:]]*=/,/^};/p' "$src" |
	    grep -oE '^[[:space:]]*\{[[:space:]]*"[a-z0-9-]+"' |
	    grep -oE '"[a-z0-9-]+"' | tr -d '"' | sed 's/^/--/' |
	    sort -u >"$TMP/src-options"
	if [ ! -s "$TMP/src-options" ]; then
		fail "$d" "found no option table (options_long[]) in $src"
	else
		miss=$(missing_from "$TMP/src-options" "$TMP/man-options")
		if [ -z "$miss" ]; then
			pass "$d ($(wc -l <"$TMP/src-options") names)"
		else
			fail "$d" "accepted by vigil, not in OPTIONS:" "$miss"
		fi
	fi
fi

# --- formatting --------------------------------------------------------

# 4: groff formats the page without a warning, for the default device and
# for the terminal one man(1) uses.
d="groff -man -ww -z: no warnings"
if ! command -v groff >/dev/null 2>&1; then
	missing "$d" groff
elif [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
else
	out=
	bad=0
	for dev in "" -Tutf8; do
		o=$(groff -man $dev -ww -z "$MAN" 2>&1) || bad=1
		[ -n "$o" ] && out="$out${out:+
}groff -man${dev:+ $dev} -ww -z:
$o"
	done
	if [ $bad = 0 ] && [ -z "$out" ]; then
		pass "$d"
	else
		fail "$d" "$out"
	fi
fi

# --- JSON --------------------------------------------------------------

# Prints "snapshot KEY" and "process KEY" for each key of the snapshot on
# stdin (nested ones included) that the JSON SCHEMA section does not
# document as a bold word: ".B key", ".BR key ...", or \fBkey\fR.
cat >"$TMP/keys.py" <<'EOF'
import json
import re
import sys

snap = json.loads(sys.stdin.read())
man = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'^\.SH +"?JSON SCHEMA"? *\n(.*?)(?=^\.SH |\Z)', man,
    re.M | re.S)
if sec is None:
    print("section JSON SCHEMA not found")
    sys.exit(1)
sec = sec.group(1)
procs = snap.get("processes")
if not isinstance(procs, list) or not procs:
    print("snapshot has no processes")
    sys.exit(1)

def keys(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            out.add(k)
            keys(x, out)
    elif isinstance(v, list):
        for x in v:
            keys(x, out)
    return out

def documented(k):
    k = re.escape(k)
    return (re.search(r'^\.B[RI]? +"?%s"?(?=[ \t,;:.)]|$)' % k, sec, re.M)
        or re.search(r'\\fB%s\\f[RP]' % k, sec))

top = keys({k: v for k, v in snap.items() if k != "processes"}, set())
top.add("processes")
proc = set()
for p in procs:
    proc |= set(p)
for k in sorted(top):
    if not documented(k):
        print("snapshot", k)
for k in sorted(proc):
    if not documented(k):
        print("process", k)
print("counts", len(top), len(proc))
EOF

d5="every snapshot key of --format json is in vigil.1 JSON SCHEMA"
d6="every process key of --format json is in vigil.1 JSON SCHEMA"
if ! command -v python3 >/dev/null 2>&1; then
	missing "$d5" python3
	missing "$d6" python3
elif [ $have_man = 0 ] || [ $have_vigil = 0 ]; then
	fail "$d5" "need a readable $MAN and an executable \$VIGIL"
	fail "$d6" "need a readable $MAN and an executable \$VIGIL"
elif ! vigil --batch -n 1 -d 1 --format json --history --io -t \
    >"$TMP/snap.json" 2>"$TMP/snap.err"; then
	fail "$d5" "vigil --batch --format json failed:" "$(cat "$TMP/snap.err")"
	fail "$d6" "vigil --batch --format json failed"
elif ! python3 "$TMP/keys.py" "$MAN" <"$TMP/snap.json" >"$TMP/keys.out" \
    2>&1; then
	fail "$d5" "cannot check the snapshot:" "$(cat "$TMP/keys.out")"
	fail "$d6" "cannot check the snapshot"
else
	read -r _ ntop nproc < <(grep '^counts ' "$TMP/keys.out")
	miss=$(sed -n 's/^snapshot //p' "$TMP/keys.out")
	if [ -z "$miss" ]; then
		pass "$d5 ($ntop keys)"
	else
		fail "$d5" "not documented:" "$miss"
	fi
	miss=$(sed -n 's/^process //p' "$TMP/keys.out")
	if [ -z "$miss" ]; then
		pass "$d6 ($nproc keys)"
	else
		fail "$d6" "not documented:" "$miss"
	fi
fi

# --- version -----------------------------------------------------------

ver=$(sed -n 's/^AC_INIT(\[vigil\],[[:space:]]*\[\([^]]*\)\].*/\1/p' \
    "$SRCDIR/configure.ac" 2>/dev/null | head -n 1)

# 7: vigil --version prints configure.ac's version.
d="vigil --version prints the version of configure.ac's AC_INIT"
if [ -z "$ver" ]; then
	fail "$d" "no AC_INIT([vigil], [VERSION]) in $SRCDIR/configure.ac"
elif [ $have_vigil = 0 ]; then
	fail "$d" "\$VIGIL is not an executable: '${VIGIL:-}'"
else
	got=$(vigil --version 2>&1 | head -n 1)
	if [ "$got" = "vigil $ver" ]; then
		pass "$d ($ver)"
	else
		fail "$d" "expected 'vigil $ver', got '$got'"
	fi
fi

# 8: the man page's .TH line names the same version.
d="vigil.1's .TH line names the version of configure.ac"
th=
[ $have_man = 1 ] && th=$(grep -m 1 '^\.TH ' "$MAN")
if [ -z "$ver" ]; then
	fail "$d" "no AC_INIT([vigil], [VERSION]) in $SRCDIR/configure.ac"
elif [ -z "$th" ]; then
	fail "$d" "no .TH line in $MAN"
elif [[ $th == *"\"vigil $ver\""* ]]; then
	pass "$d ($ver)"
else
	fail "$d" "expected \"vigil $ver\" in: $th"
fi

exit 0
