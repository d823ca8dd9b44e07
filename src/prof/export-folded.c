/* Folded stacks: one `root;...;leaf COUNT` line per stack, and back. */

#include "vigil.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"
#include "xalloc.h"
#include "prof-int.h"

struct prof_line {
	char		*text;
	uint64_t	 count;
};

static int	prof_line_cmp(const void *, const void *);
static void	prof_folded_frame(const char *, size_t, struct prof_frame *,
		    struct buf *);

static int
prof_line_cmp(const void *a, const void *b)
{
	const struct prof_line	*x = a, *y = b;

	return (strcmp(x->text, y->text));
}

/*
 * Stacks of every thread merged by their text and sorted, so the same
 * profile always gives the same file.
 */
int
prof_write_folded(const struct prof *p, FILE *fp, char *err, size_t errlen)
{
	struct prof_line	*lines;
	struct buf		 b = BUF_INITIALIZER;
	char			**labels;
	const struct prof_stack	*s;
	size_t			 i, d, n = 0;
	int			 rc = 0;

	/* Each frame's label once: the stream writes this every second. */
	labels = xcalloc(p->nframes + 1, sizeof *labels);
	for (i = 0; i < p->nframes; i++) {
		buf_reset(&b);
		prof_label_folded(p, i, &b);
		labels[i] = xstrdup(buf_str(&b));
	}
	lines = xcalloc(p->nstacks + 1, sizeof *lines);
	for (i = 0; i < p->nstacks; i++) {
		s = &p->stacks[i];
		if (s->count == 0)
			continue;
		buf_reset(&b);
		for (d = 0; d < s->depth; d++) {
			if (d > 0)
				buf_addc(&b, ';');
			buf_adds(&b, labels[s->frames[d]]);
		}
		if (s->depth == 0)
			buf_adds(&b, "[unknown]");
		lines[n].text = xstrdup(buf_str(&b));
		lines[n++].count = s->count;
	}
	qsort(lines, n, sizeof *lines, prof_line_cmp);
	buf_reset(&b);
	for (i = 0; i < n; i++) {
		if (i + 1 < n && strcmp(lines[i].text, lines[i + 1].text) == 0) {
			lines[i + 1].count += lines[i].count;
			continue;
		}
		buf_printf(&b, "%s %llu\n", lines[i].text,
		    (unsigned long long)lines[i].count);
		if (b.len > 65536 && rc == 0)
			rc = prof_write_buf(fp, &b, err, errlen);
	}
	if (rc == 0)
		rc = prof_write_buf(fp, &b, err, errlen);
	if (rc == 0)
		rc = prof_write_done(fp, err, errlen);
	for (i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	for (i = 0; i < p->nframes; i++)
		free(labels[i]);
	free(labels);
	buf_free(&b);
	return (rc);
}

/*
 * A frame back from its label: "[unknown]", "module+0xOFF" and
 * "qualname (file.py:N)" become what gave them, anything else a native
 * function. Strings point into sb, which the caller keeps until interned.
 */
static void
prof_folded_frame(const char *s, size_t len, struct prof_frame *f,
    struct buf *sb)
{
	const char	*plus, *open, *colon, *q;
	char		*end;
	size_t		 i;

	memset(f, 0, sizeof *f);
	f->kind = PF_NATIVE;
	buf_reset(sb);
	buf_add(sb, s, len);
	if (len == 9 && memcmp(s, "[unknown]", 9) == 0)
		return;

	/* module+0xHEX */
	plus = NULL;
	for (q = s; q + 3 <= s + len; q++) {
		if (memcmp(q, "+0x", 3) == 0)
			plus = q;
	}
	if (plus != NULL && plus > s && plus + 3 < s + len &&
	    memchr(s, ' ', len) == NULL) {
		for (q = plus + 3; q < s + len && isxdigit((unsigned char)*q);
		    q++)
			;
		if (q == s + len && (size_t)(s + len - (plus + 3)) <= 16) {
			sb->data[plus - s] = '\0';
			f->module = sb->data;
			f->offset = strtoull(sb->data + (plus - s) + 3, NULL,
			    16);
			return;
		}
	}

	/* qualname (file.py) or qualname (file.py:N) */
	open = NULL;
	for (i = len; i >= 2; i--) {
		if (s[i - 2] == ' ' && s[i - 1] == '(') {
			open = s + i - 2;
			break;
		}
	}
	if (open != NULL && open > s && s[len - 1] == ')' &&
	    open + 2 < s + len - 1) {
		sb->data[open - s] = '\0';
		sb->data[len - 1] = '\0';
		f->file = sb->data + (open - s) + 2;
		colon = strrchr(f->file, ':');
		if (colon != NULL && colon[1] != '\0') {
			long l = strtol(colon + 1, &end, 10);
			if (*end == '\0' && l > 0 && l <= 0x7fffffff &&
			    isdigit((unsigned char)colon[1])) {
				f->line = l;
				sb->data[colon - sb->data] = '\0';
			}
		}
		i = strlen(f->file);
		if (i > 3 && strcmp(f->file + i - 3, ".py") == 0) {
			f->kind = PF_PYTHON;
			f->func = sb->data;
			return;
		}
		/* Not a Python frame after all: the whole text names it. */
		buf_reset(sb);
		buf_add(sb, s, len);
		f->file = NULL;
		f->line = 0;
	}
	f->func = sb->data;
}

/* One line, without its newline, added to thread t. */
int
prof_folded_line(struct prof *p, size_t t, char *line, size_t lineno,
    char *err, size_t errlen)
{
	struct prof_frame	 f;
	struct buf		 sb = BUF_INITIALIZER;
	size_t			*frames = NULL, depth = 0, cap = 0, len;
	char			*sp, *s, *semi, *end;
	unsigned long long	 count;

	len = strlen(line);
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		line[--len] = '\0';
	if (len == 0)
		return (0);
	for (sp = line + len; sp > line && !isspace((unsigned char)sp[-1]);
	    sp--)
		;
	if (sp == line) {
		snprintf(err, errlen, _("line %zu: no sample count"), lineno);
		return (-1);
	}
	sp--;
	errno = 0;
	count = strtoull(sp + 1, &end, 10);
	if (!isdigit((unsigned char)sp[1]) || *end != '\0' || errno != 0) {
		snprintf(err, errlen, _("line %zu: bad sample count"), lineno);
		return (-1);
	}
	while (sp > line && isspace((unsigned char)sp[-1]))
		sp--;
	*sp = '\0';
	if (*line == '\0') {
		snprintf(err, errlen, _("line %zu: no stack"), lineno);
		return (-1);
	}
	for (s = line; s != NULL; s = semi != NULL ? semi + 1 : NULL) {
		semi = strchr(s, ';');
		len = semi != NULL ? (size_t)(semi - s) : strlen(s);
		if (len == 0) {
			snprintf(err, errlen, _("line %zu: empty frame name"),
			    lineno);
			free(frames);
			buf_free(&sb);
			return (-1);
		}
		prof_folded_frame(s, len, &f, &sb);
		if (depth == cap) {
			cap = cap == 0 ? 32 : cap * 2;
			frames = xreallocarray(frames, cap, sizeof *frames);
		}
		frames[depth++] = prof_frame_intern(p, &f);
	}
	prof_add(p, t, frames, depth, count);
	free(frames);
	buf_free(&sb);
	return (0);
}

/*
 * Read folded stacks into p, as one thread (TID p->pid). Blank lines are
 * skipped; any other line that is not `frames COUNT` is an error naming it.
 */
int
prof_read_folded(struct prof *p, FILE *fp, char *err, size_t errlen)
{
	char	*line = NULL;
	size_t	 cap = 0, lineno = 0, t;
	ssize_t	 n;
	int	 rc = 0;

	t = prof_thread_intern(p, p->pid, p->comm);
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (memchr(line, '\0', n) != NULL) {
			snprintf(err, errlen, _("line %zu: binary data"),
			    lineno);
			rc = -1;
			break;
		}
		if ((rc = prof_folded_line(p, t, line, lineno, err,
		    errlen)) != 0)
			break;
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, _("cannot read folded stacks: %s"),
		    strerror(errno));
		rc = -1;
	}
	free(line);
	return (rc);
}
