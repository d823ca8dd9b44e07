#!/bin/bash
# The manual page agrees with the program: the options --help prints and
# the ones options.c accepts, the keys of a real JSON snapshot, the version,
# the monitor's keys as --keys prints them, the column names and the
# default column list of src/ui/table.c; and it formats without a groff
# warning. Speaks TAP; a failed check is a
# "not ok" line, the script itself always exits 0.
#
# Environment: VIGIL (the built binary), SRCDIR (the source tree); CI=true
# turns a missing groff or python3 from a skip into a failure.

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MAN=$SRCDIR/doc/vigil.1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-docs.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

echo 1..13
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

# roff as plain text: escapes resolved, fonts dropped, blanks squeezed,
# the words of a .B or .I line joined by spaces and the arguments of .BR
# and the like without, other macros dropped. With mode=entries, the .TP
# entries as "TAG<tab>BODY" lines (the body runs to the next paragraph
# macro); with mode=text, every line.
ROFF_AWK='
	function plain(s,    out, c, n, name) {
		out = ""
		while ((n = index(s, "\\")) > 0) {
			out = out substr(s, 1, n - 1)
			c = substr(s, n + 1, 1)
			s = substr(s, n + 2)
			if (c == "f") {
				if (substr(s, 1, 1) == "(")
					s = substr(s, 4)
				else if (substr(s, 1, 1) == "[")
					s = substr(s, index(s, "]") + 1)
				else
					s = substr(s, 2)
			} else if (c == "(") {
				name = substr(s, 1, 2)
				s = substr(s, 3)
				if (name == "dq" || name == "lq" || name == "rq")
					out = out "\""
				else if (name == "aq")
					out = out "\047"
				else if (name == "ga")
					out = out "`"
				else if (name == "rs")
					out = out "\\"
				else if (name == "en" || name == "em")
					out = out "-"
				else
					out = out "?"
			} else if (c == "[") {
				s = substr(s, index(s, "]") + 1)
				out = out "?"
			} else if (c == "e" || c == "\\")
				out = out "\\"
			else if (c == " " || c == "~")
				out = out " "
			else if (c == "&" || c == "|" || c == "^" || c == "c")
				;
			else
				out = out c
		}
		return out s
	}
	# The text a line puts on the page, before plain().
	function text(line,    m, args, sep, a, q, i, c) {
		if (line !~ /^[.\047]/)
			return line
		m = line
		sub(/[ \t].*$/, "", m)
		if (m !~ /^\.(B|I|SM|BR|RB|BI|IB|IR|RI)$/)
			return ""
		sep = (m ~ /^\.(B|I|SM)$/) ? " " : ""
		line = substr(line, length(m) + 1)
		args = ""
		a = ""
		q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c == "\"")
				q = !q
			else if ((c == " " || c == "\t") && !q) {
				if (a != "")
					args = args (args == "" ? "" : sep) a
				a = ""
			} else
				a = a c
		}
		if (a != "")
			args = args (args == "" ? "" : sep) a
		return args
	}
	function squeeze(s) {
		gsub(/[ \t]+/, " ", s)
		sub(/^ /, "", s)
		sub(/ $/, "", s)
		return s
	}
	function flush() {
		if (intag || inbody)
			print squeeze(tag) "\t" squeeze(body)
		intag = inbody = 0
		tag = body = ""
	}
	/^\.\\"/ { next }
	mode == "text" {
		if ((line = squeeze(plain(text($0)))) != "")
			print line
		next
	}
	/^\.(TP|SH|SS|PP|LP|P|IP|RS|RE|HP)([ \t]|$)/ {
		flush()
		if ($0 ~ /^\.TP([ \t]|$)/)
			intag = 1
		next
	}
	intag {
		tag = plain(text($0))
		intag = 0
		inbody = 1
		next
	}
	inbody { body = body " " plain(text($0)) }
	END { flush() }
'

# The .TP entries of the roff on stdin, as "TAG<tab>BODY" lines.
roff_entries() {
	awk -v mode=entries "$ROFF_AWK"
}

# The roff on stdin as plain text, a line for each line that has text.
roff_text() {
	awk -v mode=text "$ROFF_AWK"
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

# --- keys --------------------------------------------------------------

# The lines of vigil --keys as "LABEL<tab>HELP": printf("%-10s %s"), so the
# label is the first 10 columns and the help starts at the 12th. English,
# as the man page is.
keys_ok=0
if [ $have_vigil = 1 ] && LC_ALL=C LANGUAGE= vigil --keys >"$TMP/keys" \
    2>"$TMP/keys.err"; then
	# A blank line and a heading ending in ':' start the log pane's keys.
	awk '
		$0 == "" || /:$/ { next }
		length($0) < 12 || substr($0, 11, 1) != " " {
			print "cannot split: " $0 >"/dev/stderr"
			bad = 1
			next
		}
		{
			label = substr($0, 1, 10)
			sub(/ +$/, "", label)
			print label "\t" substr($0, 12)
		}
		END { exit bad }' "$TMP/keys" >"$TMP/keys.tsv" 2>"$TMP/keys.err" &&
	    [ -s "$TMP/keys.tsv" ] && keys_ok=1
fi
[ $have_man = 1 ] && man_section KEYS | roff_entries >"$TMP/man-keys"

# 9: every key of --keys has an entry in KEYS, tagged with its label,
# whose text has the key's help text.
d="every key of vigil --keys is in vigil.1 KEYS with its help text"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ $keys_ok = 0 ]; then
	fail "$d" "'$VIGIL --keys' failed or printed no key:" \
	    "$(cat "$TMP/keys.err" 2>/dev/null)"
elif [ ! -s "$TMP/man-keys" ]; then
	fail "$d" "no .TP entry in a KEYS section"
else
	miss=$(awk -F '\t' '
		NR == FNR { body[$1] = ($1 in body) ? body[$1] "\n" $2 : $2; next }
		!($1 in body) { print "no entry for \"" $1 "\""; next }
		index(body[$1], $2) == 0 {
			print "entry \"" $1 "\" lacks \"" $2 "\""
		}' "$TMP/man-keys" "$TMP/keys.tsv")
	if [ -z "$miss" ]; then
		pass "$d ($(wc -l <"$TMP/keys.tsv") keys)"
	else
		fail "$d" "$miss"
	fi
fi

# 10: every entry of KEYS is a key of --keys (none left from a key that
# is gone).
d="every entry in vigil.1 KEYS is a key of vigil --keys"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ $keys_ok = 0 ]; then
	fail "$d" "'$VIGIL --keys' failed or printed no key"
elif [ ! -s "$TMP/man-keys" ]; then
	fail "$d" "no .TP entry in a KEYS section"
else
	cut -f 1 "$TMP/keys.tsv" | sort -u >"$TMP/keys-labels"
	cut -f 1 "$TMP/man-keys" | sort -u >"$TMP/man-key-labels"
	miss=$(missing_from "$TMP/man-key-labels" "$TMP/keys-labels")
	if [ -z "$miss" ]; then
		pass "$d ($(wc -l <"$TMP/man-key-labels") entries)"
	else
		fail "$d" "documented but not printed by --keys:" "$miss"
	fi
fi

# --- columns -----------------------------------------------------------

# The names of tui_all_columns[] in src/ui/table.c (the first string of
# each entry) and its default list (tui_default_columns, whose strings may
# be split over lines).
table=$SRCDIR/src/ui/table.c
if [ -r "$table" ]; then
	sed -n '/tui_all_columns\[\][[:space:]]*=/,/^};/p' "$table" |
	    grep -oE '^[[:space:]]*\{[[:space:]]*"[^"]+"' |
	    grep -oE '"[^"]+"' | tr -d '"' | sort -u >"$TMP/src-columns"
	default_cols=$(sed -n '/tui_default_columns[[:space:]]*=/,/;/p' \
	    "$table" | grep -oE '"[^"]*"' | tr -d '"\n' | tr -s ' ')
else
	: >"$TMP/src-columns"
	default_cols=
fi
[ $have_man = 1 ] && man_section "CONFIGURATION FILE" >"$TMP/man-config"
[ $have_man = 1 ] && roff_entries <"$TMP/man-config" |
    cut -f 1 | grep -E '^[A-Z][A-Z0-9_%+]*$' | sort -u >"$TMP/man-columns"

# 11: every column name of table.c has an entry in CONFIGURATION FILE.
d="every column name in src/ui/table.c is in vigil.1 CONFIGURATION FILE"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ ! -s "$TMP/src-columns" ]; then
	fail "$d" "found no column table (tui_all_columns[]) in $table"
else
	miss=$(missing_from "$TMP/src-columns" "$TMP/man-columns")
	if [ -z "$miss" ]; then
		pass "$d ($(wc -l <"$TMP/src-columns") names)"
	else
		fail "$d" "no .TP entry for:" "$miss"
	fi
fi

# 12: every column the CONFIGURATION FILE section names (an upper-case
# .TP tag) is one that vigil accepts.
d="every column in vigil.1 CONFIGURATION FILE is in src/ui/table.c"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ ! -s "$TMP/src-columns" ]; then
	fail "$d" "found no column table (tui_all_columns[]) in $table"
elif [ ! -s "$TMP/man-columns" ]; then
	fail "$d" "no column entry in a CONFIGURATION FILE section"
else
	miss=$(missing_from "$TMP/man-columns" "$TMP/src-columns")
	if [ -z "$miss" ]; then
		pass "$d ($(wc -l <"$TMP/man-columns") names)"
	else
		fail "$d" "documented but not a column of table.c:" "$miss"
	fi
fi

# 13: the default column list of table.c is written out in CONFIGURATION
# FILE (blanks and line breaks aside).
d="vigil.1 CONFIGURATION FILE gives table.c's default column list"
if [ $have_man = 0 ]; then
	fail "$d" "cannot read $MAN"
elif [ -z "$default_cols" ]; then
	fail "$d" "found no default list (tui_default_columns) in $table"
else
	flat=$(roff_text <"$TMP/man-config" | tr '\n' ' ' | tr -s ' ')
	if [[ $flat == *"$default_cols"* ]]; then
		pass "$d"
	else
		fail "$d" "not in the section: $default_cols"
	fi
fi

exit 0
