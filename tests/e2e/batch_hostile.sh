#!/bin/bash
# Hostile names and command lines (escape sequences, C1 controls, invalid
# UTF-8, a 100 KB argument) are shown escaped, never raw.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

long=$(head -c 100000 /dev/zero | tr '\0' 'x')
start_fixture h "$FIXTURES/hostile" $'\e]0;pwned\a' $'\e[31mred\e[0m' \
    $'bad\xff\xfeutf8' $'c1\xc2\x9bcsi' "$long"
wait_for 5 sh -c "grep -q evil /proc/$h/comm"

out=$TMP/out
LC_ALL=C.UTF-8 "$VIGIL" --batch -n 1 -d 1 -p "$h" > "$out"
check "text: no ESC byte reaches the output" \
    [ "$(tr -dc '\033' < "$out" | wc -c)" -eq 0 ]
check "text: no BEL byte reaches the output" \
    [ "$(tr -dc '\007' < "$out" | wc -c)" -eq 0 ]
check "text: no C1 control reaches the output" \
    [ "$(grep -c $'\xc2\x9b' "$out")" -eq 0 ]
check "text: the output is valid UTF-8" \
    python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$out"
check "text: escapes are shown as \\x1b" grep -q '\\x1b\]0;pwned\\x07' "$out"
check "text: invalid UTF-8 is shown as U+FFFD" grep -q $'bad\xef\xbf\xbd\xef\xbf\xbdutf8' "$out"
check "text: a C1 control is shown escaped" grep -q 'c1\\x9bcsi' "$out"
check "text: a 100 KB command line is cut" \
    [ "$(wc -c < "$out")" -lt 10000 ]

LC_ALL=C "$VIGIL" --batch -n 1 -d 1 -p "$h" > "$out"
check "text in the C locale is pure ASCII" \
    python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("ascii")' "$out"

"$VIGIL" --batch -n 1 -d 1 --format json -p "$h" > "$out"
check "json: valid, with no raw control byte" \
    python3 -c '
import json, sys
raw = open(sys.argv[1], "rb").read()
assert not any(b < 0x20 and b != 0x0a for b in raw)
json.loads(raw)' "$out"
check "json: the name is kept whole, escapes JSON-escaped" \
    json_q "$out" "s['processes'][0]['comm'] == '\x1b[2J\x9bevil'"
check "json: the command line keeps its escapes, JSON-escaped" \
    json_q "$out" "'\x1b]0;pwned\x07' in s['processes'][0]['cmdline']"
check "json: the whole 100 KB argument is kept" \
    json_q "$out" "len(s['processes'][0]['cmdline']) > 100000"

done_testing
