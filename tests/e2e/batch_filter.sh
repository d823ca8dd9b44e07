#!/bin/bash
# -F selects exactly the processes whose command line matches.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

tag="vigiltest$$"
start_fixture a bash -c "exec -a ${tag}-alpha sleep 1000"
start_fixture b bash -c "exec -a ${tag}-beta sleep 1001"
start_fixture c bash -c "exec -a ${tag}-gamma sleep 1002"
wait_for 5 exec_done "$a" "${tag}-alpha"
wait_for 5 exec_done "$b" "${tag}-beta"
wait_for 5 exec_done "$c" "${tag}-gamma"

out=$TMP/out
# vigil's own command line holds the pattern: leave it out.
pids()
{
	json_q "$out" "sorted(p['pid'] for p in s['processes'] if p['comm'] != 'vigil')"
}

"$VIGIL" --batch -n 1 -d 1 --format json -F "${tag}-(alpha|beta)" > "$out"
check "-F with an alternation selects alpha and beta only" \
    [ "$(pids)" = "$(python3 -c "print(sorted([$a, $b]))")" ]

"$VIGIL" --batch -n 1 -d 1 --format json -F "${tag}-.* 1002\$" > "$out"
check "-F matches arguments too" [ "$(pids)" = "[$c]" ]

"$VIGIL" --batch -n 1 -d 1 --format json -F "${tag}-ALPHA" > "$out"
check "-F with capitals is case-sensitive" [ "$(pids)" = "[]" ]

upper=$(echo "$tag" | tr a-z A-Z)
"$VIGIL" --batch -n 1 -d 1 --format json -F "${tag}-gamma" > "$out"
check "-F in lower case matches" [ "$(pids)" = "[$c]" ]
"$VIGIL" --batch -n 1 -d 1 --format json -F "${upper}-gamma" > "$out"
check "-F in capitals does not match lower case" [ "$(pids)" = "[]" ]
"$VIGIL" --batch -n 1 -d 1 --format json -F "(?i)${upper}-gamma" > "$out"
check "-F with (?i) matches whatever the case" [ "$(pids)" = "[$c]" ]

"$VIGIL" --batch -n 1 -d 1 -F "${tag}-beta" > "$out"
check "text mode -F shows one process row" \
    [ "$(grep -v 'vigil --batch' "$out" | grep -c "${tag}-beta")" -eq 1 ]

done_testing
