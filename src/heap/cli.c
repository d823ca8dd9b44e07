/* vigil heap: take, print and diff heap snapshots from the command line. */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmdline.h"
#include "fmt.h"
#include "heap.h"
#include "json.h"
#include "sanitize.h"
#include "xalloc.h"

#define HEAP_TOP_DEFAULT	15
#define SZ			HEAP_FMT_SIZE

enum { OPT_JSON = 256, OPT_DIFF, OPT_TOP };

static const struct option heap_long[] = {
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "diff",	no_argument,		NULL, OPT_DIFF },
	{ "top",	required_argument,	NULL, OPT_TOP },
	{ "output",	required_argument,	NULL, 'o' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static void
heap_usage_text(FILE *f)
{
	fprintf(f, _(
"Usage: vigil heap [--json] [--top=N] [-o FILE] PID\n"
"       vigil heap [--json] [--top=N] --diff OLD.json NEW.json\n"
"A heap snapshot of process PID from /proc/PID/smaps: every mapping\n"
"classified (main heap, thread arenas, other anonymous memory, thread\n"
"stacks, files, shared memory, ...) with its size, RSS, PSS, private dirty\n"
"memory and swap. Each snapshot is saved under $XDG_STATE_HOME/vigil/heap/\n"
"and compared with the previous one of the same process.\n"
"\n"
"      --json               print JSON instead of text\n"
"      --diff               compare two saved snapshots: growth by class\n"
"                           and by mapping, with the rate per minute\n"
"      --top=N              mappings listed (default 15)\n"
"  -o, --output=FILE        save the snapshot as FILE instead\n"
"  -h, --help               show this help and exit\n"));
}

/* A name from the process, safe on a terminal. */
static const char *
safe(struct buf *b, const char *s)
{
	buf_reset(b);
	sanitize(b, s, strlen(s), 0);
	return (buf_str(b));
}

static void
print_snap(const struct heap_snap *s, size_t top)
{
	struct heap_group	*g;
	struct buf		 b = BUF_INITIALIZER;
	char			 a[5][SZ];
	size_t			 n, i;
	int			 c;

	printf(_("Heap snapshot of process %d (%s), %d threads, thread stacks found by %s\n"),
	    s->pid, safe(&b, s->comm), s->threads, s->stacks_from);
	printf("\n%-18s %9s %9s %9s %9s %9s\n", _("CLASS"), _("SIZE"),
	    _("RSS"), _("PSS"), _("DIRTY"), _("SWAP"));
	for (c = 0; c <= HEAP_C__COUNT; c++) {
		const struct heap_usage *u = c < HEAP_C__COUNT ? &s->cls[c] :
		    &s->total;

		printf("%-18s %9s %9s %9s %9s %9s\n",
		    c < HEAP_C__COUNT ? heap_class_label(c) : _("total"),
		    heap_fmt_size(a[0], SZ, u->size),
		    heap_fmt_size(a[1], SZ, u->rss),
		    heap_fmt_size(a[2], SZ, u->pss),
		    heap_fmt_size(a[3], SZ, u->private_dirty),
		    heap_fmt_size(a[4], SZ, u->swap));
	}
	n = heap_groups(s, &g);
	printf(_("\nTop mappings by RSS (%zu of %zu):\n"), n < top ? n : top,
	    n);
	printf("%9s %9s %9s %9s %9s  %-16s %s\n", _("RSS"), _("SIZE"),
	    _("PSS"), _("DIRTY"), _("SWAP"), _("CLASS"), _("MAPPING"));
	for (i = 0; i < n && i < top; i++) {
		printf("%9s %9s %9s %9s %9s  %-16s %s\n",
		    heap_fmt_size(a[0], SZ, g[i].u.rss),
		    heap_fmt_size(a[1], SZ, g[i].u.size),
		    heap_fmt_size(a[2], SZ, g[i].u.pss),
		    heap_fmt_size(a[3], SZ, g[i].u.private_dirty),
		    heap_fmt_size(a[4], SZ, g[i].u.swap),
		    heap_class_label(g[i].cls), safe(&b, g[i].label));
	}
	heap_groups_free(g, n);
	buf_free(&b);
}

static void
print_delta_row(const char *label, const char *cls,
    const struct heap_delta *x, double seconds, struct buf *b)
{
	char	a[4][SZ + 8];
	double	pm = heap_per_minute(x->rss, seconds);

	fmt_growth(a[3], sizeof a[3], pm);
	printf("%10s %12s %10s %10s  %-16s %s\n",
	    heap_fmt_delta(a[0], SZ, x->rss), a[3],
	    heap_fmt_delta(a[1], SZ, x->size),
	    heap_fmt_size(a[2], SZ, x->new_rss), cls,
	    label != NULL ? safe(b, label) : "");
}

static void
print_diff(const struct heap_diff *d, size_t top)
{
	struct buf	b = BUF_INITIALIZER;
	size_t		i;
	int		c;

	printf(_("Growth over %.1f seconds, by class:\n"), d->seconds);
	printf("%10s %12s %10s %10s  %s\n", _("RSS"), _("RATE"), _("SIZE"),
	    _("NOW"), _("CLASS"));
	for (c = 0; c < HEAP_C__COUNT; c++)
		print_delta_row(NULL, heap_class_label(c), &d->cls[c],
		    d->seconds, &b);
	print_delta_row(NULL, _("total"), &d->total, d->seconds, &b);
	printf(_("\nMappings that changed, by growth (%zu of %zu):\n"),
	    d->ngroups < top ? d->ngroups : top, d->ngroups);
	printf("%10s %12s %10s %10s  %-16s %s\n", _("RSS"), _("RATE"),
	    _("SIZE"), _("NOW"), _("CLASS"), _("MAPPING"));
	for (i = 0; i < d->ngroups && i < top; i++)
		print_delta_row(d->groups[i].label,
		    heap_class_label(d->groups[i].cls), &d->groups[i],
		    d->seconds, &b);
	buf_free(&b);
}

static void
json_path(struct json *j, const char *key, const char *path)
{
	json_key(j, key);
	if (path != NULL)
		json_string(j, path);
	else
		json_null(j);
}

static int
heap_cmd_diff(const char *old, const char *new, int json, size_t top)
{
	struct heap_snap	 a, b;
	struct heap_diff	 d;
	struct buf		 out = BUF_INITIALIZER;
	struct json		 j;
	char			 err[1024];

	if (heap_snap_load(old, &a, err, sizeof err) != 0) {
		fprintf(stderr, "vigil heap: %s\n", err);
		return (1);
	}
	if (heap_snap_load(new, &b, err, sizeof err) != 0) {
		fprintf(stderr, "vigil heap: %s\n", err);
		heap_snap_free(&a);
		return (1);
	}
	if (a.pid != b.pid || a.start_time != b.start_time)
		fprintf(stderr, _("vigil heap: note: the snapshots are of different processes (%d and %d)\n"),
		    a.pid, b.pid);
	heap_diff(&a, &b, &d);
	if (json) {
		json_init(&j, &out);
		json_object_begin(&j);
		json_path(&j, "old_file", old);
		json_path(&j, "new_file", new);
		json_key(&j, "diff");
		heap_diff_json(&j, &d);
		json_object_end(&j);
		buf_addc(&out, '\n');
		fwrite(out.data, 1, out.len, stdout);
	} else
		print_diff(&d, top);
	heap_diff_free(&d);
	heap_snap_free(&a);
	heap_snap_free(&b);
	buf_free(&out);
	return (0);
}

static int
heap_cmd_snap(int pid, const char *output, int json, size_t top)
{
	struct heap_snap	 s, p;
	struct heap_diff	 d;
	struct buf		 out = BUF_INITIALIZER;
	struct json		 j;
	char			 err[1024], *path = NULL, *prev = NULL;
	int			 have_prev = 0;

	if (heap_snap_read(pid, &s, err, sizeof err) != 0) {
		fprintf(stderr, "vigil heap: %s\n", err);
		return (1);
	}
	if (output != NULL) {
		FILE	*f;

		json_init(&j, &out);
		heap_snap_json(&j, &s);
		buf_addc(&out, '\n');
		if ((f = fopen(output, "w")) == NULL ||
		    fwrite(out.data, 1, out.len, f) != out.len ||
		    fclose(f) != 0) {
			fprintf(stderr, _("vigil heap: cannot write %s: %s\n"),
			    output, strerror(errno));
			heap_snap_free(&s);
			buf_free(&out);
			return (1);
		}
		buf_reset(&out);
		path = xstrdup(output);
	} else if (heap_snap_save(&s, &path, err, sizeof err) != 0)
		fprintf(stderr, "vigil heap: %s\n", err);
	if ((prev = heap_snap_previous(pid, s.start_time, path)) != NULL &&
	    heap_snap_load(prev, &p, err, sizeof err) == 0) {
		have_prev = 1;
		heap_diff(&p, &s, &d);
	} else if (prev != NULL)
		fprintf(stderr, _("vigil heap: previous snapshot: %s\n"), err);

	if (json) {
		json_init(&j, &out);
		json_object_begin(&j);
		json_path(&j, "file", path);
		json_key(&j, "snapshot");
		heap_snap_json(&j, &s);
		json_path(&j, "previous_file", have_prev ? prev : NULL);
		json_key(&j, "previous");
		if (have_prev)
			heap_snap_json(&j, &p);
		else
			json_null(&j);
		json_key(&j, "diff");
		if (have_prev)
			heap_diff_json(&j, &d);
		else
			json_null(&j);
		json_object_end(&j);
		buf_addc(&out, '\n');
		fwrite(out.data, 1, out.len, stdout);
	} else {
		print_snap(&s, top);
		if (path != NULL)
			printf(_("\nSaved as %s\n"), path);
		if (have_prev) {
			printf(_("\nSince the previous snapshot, %s:\n"), prev);
			print_diff(&d, top);
		}
	}
	if (have_prev) {
		heap_diff_free(&d);
		heap_snap_free(&p);
	}
	free(prev);
	free(path);
	heap_snap_free(&s);
	buf_free(&out);
	return (fflush(stdout) == 0 ? 0 : 1);
}

/* argv[0] is "heap". */
int
heap_main(int argc, char **argv)
{
	struct cmdline	 cl;
	const char	*output = NULL, *args[2];
	char		*end;
	long		 top = HEAP_TOP_DEFAULT;
	int		 c, pid, nargs = 0, json = 0, diff = 0;

	cmdline_init(&cl, "heap", argc, argv, "ho:", heap_long);
	while ((c = cmdline_next(&cl)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = 1;
			break;
		case OPT_DIFF:
			diff = 1;
			break;
		case OPT_TOP:
			errno = 0;
			top = strtol(cl.arg, &end, 10);
			if (*cl.arg == '\0' || *end != '\0' || errno != 0 ||
			    top < 0)
				return (cmdline_fail("heap",
				    _("--top: '%s' is not a count"), cl.arg));
			break;
		case 'o':
			output = cl.arg;
			break;
		case 'h':
			heap_usage_text(stdout);
			return (0);
		case CMDLINE_OPERAND:
			if (nargs == 2)
				return (cmdline_fail("heap",
				    _("unexpected argument '%s'"), cl.arg));
			args[nargs++] = cl.arg;
			break;
		default:
			return (cmdline_fail("heap", "%s", cl.err));
		}
	}
	if (diff) {
		if (nargs != 2)
			return (cmdline_fail("heap",
			    _("--diff needs two snapshot files, OLD and NEW")));
		return (heap_cmd_diff(args[0], args[1], json, top));
	}
	if (nargs == 0)
		return (cmdline_fail("heap",
		    _("which process? Give its PID (or --diff OLD NEW)")));
	if (nargs > 1)
		return (cmdline_fail("heap", _("unexpected argument '%s'"),
		    args[1]));
	if (cmdline_pid(args[0], &pid) != 0)
		return (cmdline_fail("heap", _("'%s' is not a PID"), args[0]));
	return (heap_cmd_snap(pid, output, json, top));
}
