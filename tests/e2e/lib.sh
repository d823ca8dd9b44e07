# Shared by the end-to-end tests: TAP output, fixtures that are always
# cleaned up, waiting for a condition up to a deadline, and JSON queries.
# Each test sources this, calls ok/not_ok/check, and ends with done_testing.

set -u

: "${VIGIL:?VIGIL must name the vigil binary}"
: "${FIXTURES:?FIXTURES must name the fixtures directory}"
: "${SRCDIR:=.}"

TAP_N=0
TAP_FAILED=0
FIXTURE_PIDS=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-e2e.XXXXXX")

# No test reads the user's configuration or writes the user's state.
export XDG_CONFIG_HOME="$TMP/config" XDG_STATE_HOME="$TMP/state"

ok()
{
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

not_ok()
{
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

skip()
{
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $*"
}

# check DESCRIPTION COMMAND...: one TAP line from a command's status.
check()
{
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

diag()
{
	printf '%s\n' "$@" | sed 's/^/# /'
}

# A missing tool skips the test, except in CI, where it is a failure.
need()
{
	local tool
	for tool; do
		command -v "$tool" >/dev/null 2>&1 && continue
		if [ "${CI:-}" = true ]; then
			not_ok "$tool is installed"
		else
			skip "$tool is not installed"
		fi
		done_testing
	done
}

# start_fixture VAR COMMAND...: run COMMAND in the background, its PID in
# VAR; every fixture is killed when the test exits, however it exits.
start_fixture()
{
	local var=$1
	shift
	"$@" &
	FIXTURE_PIDS="$FIXTURE_PIDS $!"
	eval "$var=\$!"
}

cleanup()
{
	local pid
	for pid in $FIXTURE_PIDS; do
		kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_for SECONDS COMMAND...: poll COMMAND until it succeeds or time runs
# out; the status says which.
wait_for()
{
	local deadline=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
	return 0
}

# exec_done PID WANT: PID has run the program whose command line holds
# WANT. The shell that was to exec it is not it, though its own command
# line (bash -c "exec prog WANT") holds WANT too: a test that moved on then
# raced the exec.
exec_done()
{
	local pid=$1 want=$2 exe
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	case ${exe##*/} in
	bash | sh | dash) return 1 ;;
	esac
	tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$want"
}

# jq-like query with python3: json_q FILE EXPR, EXPR in Python over `s`
# (the last snapshot) and `snaps` (all of them).
json_q()
{
	python3 - "$1" "$2" <<'PY'
import json, sys
# Whole lines only: vigil may be writing the last one now.
snaps = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")
         if l.endswith("\n") and l.strip()]
s = snaps[-1] if snaps else None
def proc(pid, snap=None):
    for p in (snap or s)["processes"]:
        if p["pid"] == pid:
            return p
    return None
r = eval("(" + sys.argv[2].strip() + ")")
if isinstance(r, bool):
    sys.exit(0 if r else 1)
print(r)
PY
}

done_testing()
{
	echo "1..$TAP_N"
	exit 0
}
