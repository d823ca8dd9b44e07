#!/bin/bash
# A parent with three children: in tree mode the children are under it.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

# The fixture prints its children's PIDs, one a line.
start_fixture parent sh -c "exec '$FIXTURES/family' > '$TMP/kids'"
wait_for 5 sh -c "[ \$(wc -l < '$TMP/kids') -eq 3 ]"
mapfile -t kids < "$TMP/kids"
check "the fixture has three children" [ "${#kids[@]}" -eq 3 ]

out=$TMP/out
"$VIGIL" --batch -n 1 -d 2 --format json -t -s pid > "$out"
list="[${kids[0]}, ${kids[1]}, ${kids[2]}]"
check "each child's ppid is the parent" json_q "$out" \
    "all(proc(k)['ppid'] == $parent for k in $list)"
check "the children come right after the parent, one level deeper" \
    json_q "$out" "
(lambda ps: (lambda i: [p['pid'] for p in ps[i + 1:i + 4]] == sorted($list)
    and all(p['depth'] == ps[i]['depth'] + 1 for p in ps[i + 1:i + 4]))
    ([p['pid'] for p in ps].index($parent)))(s['processes'])"
check "the parent sits under this test's shell" json_q "$out" \
    "proc($parent)['ppid'] == $$ and proc($parent)['depth'] == proc($$)['depth'] + 1"

"$VIGIL" --batch -n 1 -d 2 -t -s pid -p "$parent,${kids[0]},${kids[1]},${kids[2]}" > "$out"
check "text tree: children drawn with \\_ under the parent" \
    [ "$(grep -c '\\_ .*family' "$out")" -eq 3 ]

done_testing
