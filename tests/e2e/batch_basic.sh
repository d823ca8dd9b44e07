#!/bin/bash
# Batch mode basics: options, errors, text and JSON snapshots.
. "$SRCDIR/tests/e2e/lib.sh"
need python3

out=$TMP/out
err=$TMP/err

"$VIGIL" --help > "$out" 2> "$err"
check "--help exits 0 and lists --batch" \
    grep -q -- '--batch' "$out"
"$VIGIL" --version > "$out"
check "--version names vigil" grep -q '^vigil [0-9]' "$out"

for bad in "--frobnicate" "-d abc" "-d 0" "-n 0" "--format xml" \
    "-p 12,x" "-s nonsense" "-u no_such_user_zz" "stray"; do
	# shellcheck disable=SC2086
	"$VIGIL" --batch $bad > "$out" 2> "$err"
	status=$?
	check "'$bad' exits with status 2" [ "$status" -eq 2 ]
	check "'$bad' gives one error line and a hint" \
	    [ "$(wc -l < "$err")" -eq 2 ] && grep -q -- "--help" "$err"
done

"$VIGIL" --batch -n 1 -F 'a(b' > "$out" 2> "$err"
status=$?
check "an invalid -F pattern exits with status 2" [ "$status" -eq 2 ]
check "an invalid -F pattern names pcre2's position" \
    grep -q 'position [0-9]' "$err"
check "an invalid -F pattern prints no snapshot" [ ! -s "$out" ]

"$VIGIL" --batch -n 2 -d 2 > "$out" 2> "$err"
check "text mode: two snapshots with -n 2" \
    [ "$(grep -c '^ *PID USER' "$out")" -eq 2 ]
check "text mode: header has tasks, CPU and memory lines" \
    grep -q '^Tasks:' "$out" && grep -q '^%Cpu' "$out" && grep -q '^KiB Mem' "$out"
check "text mode: vigil lists itself" grep -q 'vigil --batch -n 2' "$out"
check "text mode: nothing on stderr" [ ! -s "$err" ]

"$VIGIL" --batch -n 3 -d 2 --format json > "$out"
check "json: one line per snapshot" [ "$(wc -l < "$out")" -eq 3 ]
check "json: top-level keys" json_q "$out" \
    'all(k in s for k in ("time","cpus","cpu","mem","swap","load","tasks","processes"))'
check "json: memory used from MemAvailable" json_q "$out" \
    's["mem"]["used_kb"] == s["mem"]["total_kb"] - s["mem"]["available_kb"]'
check "json: CPU split adds up to 100%" json_q "$out" \
    'abs(sum(s["cpu"][k] for k in ("user","nice","system","iowait","irq","softirq","steal","idle")) - 100) < 1.0'
check "json: one per-CPU entry per CPU" json_q "$out" \
    'len(s["per_cpu"]) == s["cpus"] == '"$(nproc)"
check "json: process keys" json_q "$out" \
    'all(all(k in p for k in ("pid","ppid","uid","user","comm","cmdline","state","nice","threads","start_time","cpu_pct","mem_pct","rss_kb","vsz_kb","shr_kb","time_s")) for p in s["processes"])'
check "json: load has three figures" json_q "$out" 'len(s["load"]) == 3'
check "json: kernel threads hidden by default" json_q "$out" \
    'not any(p["kthread"] for p in s["processes"])'

"$VIGIL" --batch -n 1 -d 1 --format json --kernel-threads > "$out"
check "json: --kernel-threads lists kthreadd" json_q "$out" \
    'any(p["pid"] == 2 and p["kthread"] for p in s["processes"])'

"$VIGIL" --batch -n 1 -d 1 --format json -p 1,$$ > "$out"
check "-p selects exactly the listed PIDs" json_q "$out" \
    "sorted(p['pid'] for p in s['processes']) == sorted([1, $$])"

"$VIGIL" --batch -n 1 -d 1 --format json -u root > "$out"
check "-u root lists only uid 0" json_q "$out" \
    'len(s["processes"]) > 0 and all(p["uid"] == 0 for p in s["processes"])'

"$VIGIL" --batch -n 1 -d 1 --format json -s pid > "$out"
check "-s pid sorts ascending" json_q "$out" \
    '[p["pid"] for p in s["processes"]] == sorted(p["pid"] for p in s["processes"])'
"$VIGIL" --batch -n 1 -d 1 --format json -s mem > "$out"
check "-s mem sorts by RSS, largest first" json_q "$out" \
    '[p["rss_kb"] for p in s["processes"]] == sorted((p["rss_kb"] for p in s["processes"]), reverse=True)'

"$VIGIL" --batch -n 1 -d 1 --format json --io -p $$ > "$out"
check "--io adds read and write bytes" json_q "$out" \
    '"io_read_bytes" in s["processes"][0] and "io_write_bytes" in s["processes"][0]'

# A closed pipe ends vigil quietly and at once.
"$VIGIL" --batch -d 1 2> "$err" | head -n 1 > /dev/null
check "a closed pipe ends vigil without an error" [ ! -s "$err" ]

done_testing
