/* Export by format name, and the differential flamegraph of two files. */

#include "vigil.h"

#include <string.h>

#include "prof.h"

struct prof_format {
	const char	*name;
	int		 (*write)(const struct prof *, FILE *, char *, size_t);
};

static int	prof_export_top(const struct prof *, FILE *, char *, size_t);
static int	prof_export_svg(const struct prof *, FILE *, char *, size_t);

static const struct prof_format prof_formats[] = {
	{ "top", prof_export_top },
	{ "folded", prof_write_folded },
	{ "svg", prof_export_svg },
	{ "pprof", prof_write_pprof },
	{ "speedscope", prof_write_speedscope },
};

static int
prof_export_top(const struct prof *p, FILE *fp, char *err, size_t errlen)
{
	return (prof_write_top(p, fp, 0, err, errlen));
}

static int
prof_export_svg(const struct prof *p, FILE *fp, char *err, size_t errlen)
{
	return (prof_write_svg(p, fp, NULL, err, errlen));
}

/* The format names, for usage and error messages: "top, folded, ...". */
const char *
prof_export_formats(void)
{
	return ("top, folded, svg, pprof, speedscope");
}

int
prof_export(const struct prof *p, const char *format, FILE *fp, char *err,
    size_t errlen)
{
	size_t	i;

	for (i = 0; i < nitems(prof_formats); i++) {
		if (strcmp(prof_formats[i].name, format) == 0)
			return (prof_formats[i].write(p, fp, err, errlen));
	}
	snprintf(err, errlen, _("unknown profile format: %s (use one of %s)"),
	    format, prof_export_formats());
	return (-1);
}

/* OLD and NEW folded stacks in, a differential flamegraph out. */
int
prof_diff(FILE *oldfp, FILE *newfp, FILE *out, char *err, size_t errlen)
{
	struct prof	*old, *cur;
	char		 e[256];
	int		 rc = -1;

	old = prof_new(0, NULL, 0);
	cur = prof_new(0, NULL, 0);
	if (prof_read_folded(old, oldfp, e, sizeof e) != 0)
		snprintf(err, errlen, _("old profile: %s"), e);
	else if (prof_read_folded(cur, newfp, e, sizeof e) != 0)
		snprintf(err, errlen, _("new profile: %s"), e);
	else
		rc = prof_write_diff_svg(old, cur, out, NULL, err, errlen);
	prof_free(cur);
	prof_free(old);
	return (rc);
}
