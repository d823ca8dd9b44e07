#!/bin/bash
# vigil serve's groups by systemd unit and by cgroup (serve-group-by), for
# the processes no "group" line names: fixtures moved into cgroups of
# their own (cgroup v2, mounted by the test where the machine has it only
# in part) show up as groups named by their unit or path; a "group" line
# still wins; serve-max-groups caps the groups made and the rest count in
# "other"; bad values are named by file and line; promtool passes.
. "$SRCDIR/tests/e2e/lib.sh"
. "$SRCDIR/tests/e2e/serve_lib.sh"
need python3 curl promtool mount umount

tag=vg$$
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
	CG=/sys/fs/cgroup
	MOUNTED=
else
	CG=/run/vigil-test-cg2.$$
	mkdir -p "$CG"
	mount -t cgroup2 none "$CG" || {
		not_ok "cgroup2 mounts on $CG"
		done_testing
	}
	MOUNTED=$CG
fi
SLICE=$CG/$tag.slice
cg_cleanup()
{
	local d
	for pid in $FIXTURE_PIDS; do
		kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	for d in "$SLICE"/*.service "$SLICE"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null
	done
	[ -n "$MOUNTED" ] && umount "$MOUNTED" && rmdir "$MOUNTED"
	cleanup
}
trap cg_cleanup EXIT

# into UNIT PID: the process moves to $SLICE/UNIT.
into()
{
	mkdir -p "$SLICE/$1" && echo "$2" > "$SLICE/$1/cgroup.procs"
}
start_fixture a1 sleep 1000
start_fixture a2 sleep 1000
start_fixture b1 sleep 1000
start_fixture c1 bash -c "exec -a named-$tag sleep 1000"
wait_for 10 exec_done "$c1" "named-$tag"
into one.service "$a1" && into one.service "$a2" && into two.service "$b1" &&
    into three.service "$c1"
check "the fixtures are in their cgroups" \
    grep -q "^0::/$tag.slice/one.service\$" "/proc/$a1/cgroup"

mkdir -p "$XDG_CONFIG_HOME/vigil"
rc=$XDG_CONFIG_HOME/vigil/vigilrc
serve_once()	# the metrics of a vigil serve started with $rc
{
	local port
	port=$(free_port)
	start_serve vpid "$port" || return 1
	curl -s "http://127.0.0.1:$port/metrics" > "$TMP/m.txt"
	kill "$vpid"
	wait "$vpid" 2>/dev/null
	return 0
}
procs() { metric "$TMP/m.txt" "namedprocess_namegroup_num_procs{groupname=\"$1\"}"; }

printf 'group named: cmdline ~ /named-%s/\nserve-group-by = unit\n' "$tag" > "$rc"
check "vigil serve starts, by unit" serve_once
check "promtool check metrics passes" \
    sh -c "promtool check metrics < '$TMP/m.txt' > '$TMP/promtool.out' 2>&1"
[ -s "$TMP/promtool.out" ] && diag "$(cat "$TMP/promtool.out")"
check "one.service holds its two processes" [ "$(procs one.service)" = 2 ]
check "two.service its one" [ "$(procs two.service)" = 1 ]
check "a group line wins over the unit" [ "$(procs named)" = 1 ]
check "and three.service is no group" sh -c "! grep -q 'three.service' '$TMP/m.txt'"

printf 'serve-group-by = cgroup\n' > "$rc"
check "vigil serve starts, by cgroup" serve_once
check "the cgroup's path names the group" \
    [ "$(procs "/$tag.slice/one.service")" = 2 ]

# One group made, then "other" for the rest: the fixtures' units and the
# machine's own are more than one.
printf 'group named: cmdline ~ /named-%s/\nserve-group-by = unit\nserve-max-groups = 1\n' \
    "$tag" > "$rc"
check "vigil serve starts, with one group to make" serve_once
check "two groups beside the named one: one made, and other" python3 - \
    "$TMP/m.txt" <<'PY'
import re, sys
names = set(re.findall(r'^namedprocess_namegroup_num_procs\{groupname="([^"]*)"\}',
                       open(sys.argv[1]).read(), re.M))
print("# groups:", sorted(names))
sys.exit(0 if len(names - {"named"}) == 2 and "other" in names else 1)
PY
check "other holds processes" [ "$(procs other)" -ge 1 ]

printf 'serve-group-by pod\nserve-max-groups = 0\nserve-group-by unit\n' > "$rc"
check "vigil serve starts despite bad lines" serve_once
check "a bad serve-group-by is named by file and line" \
    grep -q "vigilrc:1: serve-group-by: 'pod' is not unit, cgroup or none" \
    "$TMP/serve.err"
check "a bad serve-max-groups too" \
    grep -q "vigilrc:2: serve-max-groups: '0' is not a number" "$TMP/serve.err"
check "the good line applies" [ "$(procs one.service)" = 2 ]

# serve-per-pid: the processes of the groups it names get series of their
# own, labelled by PID; other groups' processes do not.
printf 'group pair: cmdline ~ /named-%s|^sleep 1000$/\ngroup lone: comm ~ /^bash$/\nserve-per-pid pair\n' \
    "$tag" > "$rc"
check "vigil serve starts, with per-PID series" serve_once
check "promtool check metrics passes on them" \
    sh -c "promtool check metrics < '$TMP/m.txt' > '$TMP/promtool.out' 2>&1"
[ -s "$TMP/promtool.out" ] && diag "$(cat "$TMP/promtool.out")"
for p in "$a1" "$b1" "$c1"; do
	check "PID $p has its resident memory" metric "$TMP/m.txt" \
	    "vigil_process_memory_bytes{groupname=\"pair\",pid=\"$p\",memtype=\"resident\"}"
done
check "its start time is the kernel's (within 1 s)" python3 - "$TMP/m.txt" "$a1" <<'PY'
import os, re, sys, time
pid = sys.argv[2]
m = re.search(r'^vigil_process_start_time_seconds\{groupname="pair",pid="%s"\} (\S+)$' % pid,
              open(sys.argv[1]).read(), re.M)
ticks = int(open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()[19])
boot = time.time() - float(open("/proc/uptime").read().split()[0])
want = boot + ticks / os.sysconf("SC_CLK_TCK")
print("# served %s, kernel %.2f" % (m and m.group(1), want))
sys.exit(0 if m and abs(float(m.group(1)) - want) < 1 else 1)
PY
check "the other group has processes" [ "$(procs lone)" -ge 1 ]
check "only the named group's processes have them" \
    sh -c "! grep -q '^vigil_process_[a-z_]*{groupname=\"lone\"' '$TMP/m.txt'"
printf 'group pair: comm ~ /^sleep$/\nserve-per-pid nosuch\n' > "$rc"
port=$(free_port)
"$VIGIL" serve --listen "127.0.0.1:$port" > "$TMP/bad.out" 2>&1
check "serve-per-pid of no group: vigil serve refuses, saying why" \
    grep -q "serve-per-pid: no group line names 'nosuch'" "$TMP/bad.out"

done_testing
