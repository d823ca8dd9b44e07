#!/bin/bash
# The profile exports, read by the tools they are for: a synthetic profile
# of known counts (tests/fixtures/profgen: a 60%, b 20% under recursion,
# libc.so.6+0x2a1f0 10%, a Python frame 6%, a hostile name 4%; two
# threads, 71 and 29 samples) in every format, then go tool pprof, an XML
# parser, a JSON parser and the folded reader check what they find.
. "$SRCDIR/tests/e2e/lib.sh"
need python3 go

gen=$FIXTURES/profgen
out=$TMP/out
mkdir "$out"
check "profgen writes every format" "$gen" "$out"

# go tool pprof offline, its caches in the test's directory.
export HOME=$TMP GOPATH=$TMP/go GOCACHE=$TMP/gocache GOFLAGS=-mod=mod \
    GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off PPROF_TMPDIR=$TMP
pprof_top()
{
	timeout 120 go tool pprof -top "$@" "$out/p.pprof" 2> "$TMP/pprof.err"
}
# The first row under the flat/cum header: "FLAT FLAT% SUM% CUM CUM% NAME".
first_row()
{
	awk 'go { print; exit } $1 == "flat" && $2 == "flat%" { go = 1 }'
}

top=$(pprof_top)
diag "$top"
row=$(printf '%s\n' "$top" | first_row)
check "pprof: go tool pprof reads the file" [ -n "$row" ]
check "pprof: the top function is a" [ "$(echo "$row" | awk '{print $NF}')" = a ]
check "pprof: a has 60.00% flat" [ "$(echo "$row" | awk '{print $2}')" = 60.00% ]
check "pprof: cpu time is samples over the rate (0.61s of 1.01s)" \
    grep -q 'Total samples = 1010.10ms' <<< "$top"
row=$(pprof_top -sample_index=samples | first_row)
check "pprof: the samples/count value counts 60 for a" \
    [ "$(echo "$row" | awk '{print $1, $2, $NF}')" = "60 60.00% a" ]
check "pprof: recursion counts once in cum (b 20%)" \
    grep -Eq '^ *[0-9.]+ms +20\.00% +[0-9.]+% +[0-9.]+ms +20\.00% +b$' <<< "$top"
check "pprof: an unnamed frame keeps its module+offset" \
    grep -q 'libc.so.6+0x2a1f0$' <<< "$top"
check "pprof: main is 100% cumulative" \
    grep -Eq ' 100% +main$' <<< "$top"
check "pprof: no raw escape sequence from the hostile name" \
    [ "$(tr -dc '\033\007' <<< "$top" | wc -c)" -eq 0 ]
raw=$(timeout 120 go tool pprof -raw "$out/p.pprof" 2>/dev/null)
check "pprof: the Python frame keeps its file and line" \
    grep -q 'Worker.run /srv/app/worker.py:42' <<< "$raw"
check "pprof: the mappings and build-id are there" \
    grep -q '0x555555554000/0x555555556000/0x0 /usr/bin/synth 0123456789abcdef' <<< "$raw"
check "pprof: locations at their address in the target's mapping" \
    grep -Eq '^ +[0-9]+: 0x555555555200 M=1 a ' <<< "$raw"
check "pprof: a library frame at its library's address" \
    grep -Eq '^ +[0-9]+: 0x7f000002a1f0 M=2 libc.so.6\+0x2a1f0 ' <<< "$raw"
check "pprof: samples carry their thread" \
    grep -q 'thread:\[worker\]' <<< "$raw"

# Folded: the line format, and read back to the same text.
check "folded: one 'stack COUNT' line per stack, 100 samples" python3 - "$out/p.folded" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "ends with a newline"
total = 0
for l in lines[:-1]:
    m = re.fullmatch(r"([^ ].*) ([0-9]+)", l)
    assert m, l
    assert all(m.group(1).split(";")), l
    total += int(m.group(2))
assert len(lines) - 1 == 5, lines
assert total == 100, total
assert "main;a 60" in lines
assert "main;b;b;b 20" in lines
PY
check "folded: the hostile name stays in one field, escaped" \
    grep -qF 'main;<evil>&"'"'"': \x1b]0:pwn\x07 x\n 4' "$out/p.folded"
check "folded: read back and written again, the same text" \
    sh -c '"$1" -f "$2/p.folded" "$2/rt.folded" && cmp "$2/p.folded" "$2/rt.folded"' \
    sh "$gen" "$out"
printf 'main;a 5\nmain;b five\n' > "$TMP/bad.folded"
"$gen" -f "$TMP/bad.folded" "$TMP/rt2.folded" 2> "$TMP/bad.err"
check "folded: a bad line is an error naming its number" \
    grep -q 'line 2: bad sample count' "$TMP/bad.err"

# SVG: well-formed, one frame per node, names escaped.
check "svg: well-formed, frames with the right widths" python3 - "$out/p.svg" <<'PY'
import sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == NS + "svg"
fr = [g for g in root.iter(NS + "g") if g.get("class") == "fr"]
by = {}
for g in fr:
    by.setdefault(g.get("data-name"), []).append(g)
assert by["all"][0].get("data-n") == "100"
assert by["a"][0].get("data-n") == "60"
assert [g.get("data-n") for g in by["b"]] == ["20"] * 3
assert by["Worker.run (worker.py:42)"][0].get("data-n") == "6"
hostile = '<evil>&"\'; \\x1b]0;pwn\\x07 x\\n'
assert by[hostile][0].get("data-n") == "4", by.keys()
assert "pwn" in by[hostile][0].find(NS + "title").text
w = {n: float(by[n][0].find(NS + "rect").get("width")) for n in ("all", "a")}
assert abs(w["a"] / w["all"] - 0.6) < 0.001, w
scripts = list(root.iter(NS + "script"))
assert len(scripts) == 1 and "function zoom" in scripts[0].text
assert not any(e.get("href") or e.get("{http://www.w3.org/1999/xlink}href")
               for e in root.iter()), "self-contained"
PY
check "svg: no raw control byte" \
    [ "$(tr -dc '\000-\010\013\014\016-\037' < "$out/p.svg" | wc -c)" -eq 0 ]

# Speedscope: the schema, one sampled profile per thread, weights.
check "speedscope: per-thread sampled profiles whose weights add up" python3 - "$out/p.speedscope.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["$schema"] == "https://www.speedscope.app/file-format-schema.json"
frames = d["shared"]["frames"]
names = [f["name"] for f in frames]
profs = d["profiles"]
assert [p["name"] for p in profs] == ["synth (4242)", "worker (4243)"], profs
sums = []
for p in profs:
    assert p["type"] == "sampled" and p["unit"] == "none"
    assert len(p["samples"]) == len(p["weights"])
    assert all(0 <= i < len(frames) for s in p["samples"] for i in s)
    assert all(names[s[0]] == "main" for s in p["samples"]), "root first"
    assert p["endValue"] - p["startValue"] == sum(p["weights"])
    sums.append(sum(p["weights"]))
assert sums == [71, 29], sums
py = [f for f in frames if f["name"] == "Worker.run"]
assert py and py[0]["file"] == "/srv/app/worker.py" and py[0]["line"] == 42
a = names.index("a")
assert sum(w for p in profs for s, w in zip(p["samples"], p["weights"])
           if s[-1] == a) == 60
PY

# Top: the header and the table.
check "top: header with pid, comm, samples, rate, duration" \
    grep -q '^PID 4242 (synth): 100 samples at 99 Hz over 1.0 s, 2 threads$' "$out/p.top"
check "top: a first, 60% self and total" \
    sh -c 'sed -n 3p "$1" | grep -Eq "^ +60\.0% +60 +60\.0% +60  a$"' sh "$out/p.top"
check "top: main 100% total, 0% self" \
    grep -Eq '^ +0\.0% +0 +100\.0% +100  main$' "$out/p.top"

# Differential flamegraph: a grew from 30% to 60%, b shrank from 50% to 20%.
cat > "$TMP/old.folded" <<'EOF'
main;a 30
main;b;b;b 50
main;c;libc.so.6+0x2a1f0 10
main;PyEval_EvalFrameDefault;Worker.run (worker.py:42) 10
EOF
check "diff: written from two folded files" \
    "$gen" -d "$TMP/old.folded" "$out/p.folded" "$out/diff.svg"
check "diff: well-formed, widths from new, red grew, blue shrank" python3 - "$out/diff.svg" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
fr = {}
for g in root.iter(NS + "g"):
    if g.get("class") == "fr":
        fr[g.get("data-name")] = g      # the deepest b: where its self is
def rgb(name):
    fill = fr[name].find(NS + "rect").get("fill")
    return tuple(int(x) for x in re.fullmatch(r"rgb\((\d+),(\d+),(\d+)\)", fill).groups())
assert fr["all"].get("data-n") == "100"
assert fr["a"].get("data-n") == "60"
r, g, b = rgb("a")
assert r == 255 and g < 100 and b < 100, rgb("a")       # the most growth
r, g, b = rgb("b")
assert b == 255 and r < 100 and r == g, rgb("b")        # shrank the most
assert rgb("libc.so.6+0x2a1f0") == (235, 235, 235)      # unchanged
text = "".join(root.itertext())
assert "red grew" in text and "blue shrank" in text and "self share" in text
assert "self 60.00%, was 30.00%" in fr["a"].find(NS + "title").text
PY
"$gen" -d "$TMP/bad.folded" "$out/p.folded" "$TMP/d2.svg" 2> "$TMP/bad.err"
check "diff: a bad old file is named with its line" \
    grep -q 'old profile: line 2: bad sample count' "$TMP/bad.err"

done_testing
