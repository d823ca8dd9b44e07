# Shared by the tests of per-process I/O rates; sourced after lib.sh. The
# writer (tests/fixtures/iowriter) writes IO_KIB KiB a second to a file on
# a disk and reports the rate it measured itself; vigil's figures are
# compared with that report.
#
#	io_start VAR NAME	start the writer as NAME (argv[0]), PID in VAR
#	io_reported		the writer has reported a rate
#	io_rate			that rate, bytes a second
#	to_bytes RATE		"4.0M/s" (vigil's unit style) in bytes a second
#	within GOT WANT		GOT is within 20% of WANT (WANT > 0)

IO_KIB=4096
IO_DIR=
IO_REPORT=$TMP/iowriter.report

# write_bytes counts pages dirtied for writeback: tmpfs has none, so the
# file goes to the build tree when the temporary directory is tmpfs.
case $(stat -f -c %T "$TMP" 2>/dev/null) in
tmpfs|ramfs)
	IO_DIR=$(mktemp -d "${BUILDDIR:-.}/tests/iowriter.XXXXXX")
	;;
*)
	IO_DIR=$TMP/io
	mkdir -p "$IO_DIR"
	;;
esac

io_cleanup()
{
	[ -n "$IO_DIR" ] && rm -rf "$IO_DIR"
}

# Run io_cleanup first, then whatever was set for EXIT before.
io_chain_exit()
{
	local prev
	prev=$(trap -p EXIT)
	prev=${prev#"trap -- "}
	prev=${prev%" EXIT"}
	eval "prev=$prev"
	# shellcheck disable=SC2064
	trap "io_cleanup; ${prev:-:}" EXIT
}
io_chain_exit

io_start()
{
	start_fixture "$1" bash -c "exec -a '$2' '$FIXTURES/iowriter' \
	    '$IO_DIR/out' $IO_KIB '$IO_REPORT'"
}

io_reported()
{
	[ -s "$IO_REPORT" ] && [ "$(io_rate)" -gt 0 ] 2>/dev/null
}

io_rate()
{
	awk '$1 == "rate" { print $2 }' "$IO_REPORT" 2>/dev/null
}

to_bytes()
{
	awk -v v="$1" 'BEGIN {
		if (v !~ /^[0-9.]+[BKMGT]\/s$/)
			exit 1
		u = substr(v, length(v) - 2, 1)
		n = substr(v, 1, length(v) - 3) + 0
		printf "%.0f\n", n * 1024 ^ (index("BKMGT", u) - 1)
	}'
}

within()
{
	[ -n "$1" ] && [ -n "$2" ] &&
	    awk -v a="$1" -v b="$2" 'BEGIN { exit !(b > 0 && a >= b * 0.8 &&
		a <= b * 1.2) }'
}
