/* vigil files PID: the open files list of the monitor's L, on stdout. */

#include "vigil.h"

#include <stdio.h>

#include "buf.h"
#include "cmdline.h"
#include "inspect.h"
#include "procaccess.h"
#include "sanitize.h"

static const struct option files_long[] = {
	{ "help",	no_argument,	NULL,	'h' },
	{ NULL,		0,		NULL,	0 }
};

static void
files_usage(FILE *f)
{
	fputs(_("Usage: vigil files PID\n"
"List the open files of a process, as lsof does: each descriptor of\n"
"/proc/PID/fd with its type, mode (r, w, rw), flags (AP append, NB\n"
"non-blocking, CX close-on-exec, SYN, DSYN, DIR direct, NATM, PATH), offset,\n"
"size and name. Sockets are named from the process's own network\n"
"namespace: TCP 127.0.0.1:8080->127.0.0.1:51234 (ESTABLISHED), UDP *:53,\n"
"UNIX /run/foo.sock. Names are printed escaped.\n"
"\n"
"  -h, --help   this help\n"), f);
}

/* argv[0] is "files". */
int
inspect_files_main(int argc, char **argv)
{
	struct cmdline		 cl;
	struct inspect_fd	*v;
	struct buf		 line = BUF_INITIALIZER, out = BUF_INITIALIZER;
	const char		*arg = NULL;
	char			 err[512];
	size_t			 n, i;
	int			 c, pid, kt;

	cmdline_init(&cl, "files", argc, argv, "h", files_long);
	while ((c = cmdline_next(&cl)) != -1) {
		switch (c) {
		case 'h':
			files_usage(stdout);
			return (0);
		case CMDLINE_OPERAND:
			if (arg != NULL)
				return (cmdline_fail("files",
				    _("unexpected argument '%s'"), cl.arg));
			arg = cl.arg;
			break;
		default:
			return (cmdline_fail("files", "%s", cl.err));
		}
	}
	if (arg == NULL)
		return (cmdline_fail("files", _("which process? Give its PID")));
	if (cmdline_pid(arg, &pid) != 0)
		return (cmdline_fail("files", _("'%s' is not a PID"), arg));
	if (inspect_files(pid, &v, &n, err, sizeof err) != 0) {
		fprintf(stderr, "vigil files: %s\n", err);
		return (1);
	}
	kt = proc_kernel_thread(pid, NULL, 0);
	if (n == 0 && kt == 1) {
		printf(_("process %d is a kernel thread: it has no open files\n"),
		    pid);
		inspect_files_free(v, n);
		return (0);
	}
	inspect_files_header(&out, 0);
	buf_addc(&out, '\n');
	for (i = 0; i < n; i++) {
		buf_reset(&line);
		inspect_files_row(&line, &v[i], 0);
		sanitize(&out, line.data, line.len, 0);
		buf_addc(&out, '\n');
	}
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&line);
	buf_free(&out);
	inspect_files_free(v, n);
	return (fflush(stdout) == 0 ? 0 : 1);
}
