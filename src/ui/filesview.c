/* The open files of the selected process, as lsof lists them (L). */

#include "vigil.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "buf.h"
#include "inspect.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC		27
#define FILES_WIDE	100	/* columns from which OFFSET and SIZE show */

/* The list, read again each refresh while the view is open. */
struct tui_files {
	struct action_target	 target;	/* as the user chose it */
	struct inspect_fd	*v;
	size_t			 n;
	size_t			 top;
	int			 h;		/* rows of the list */
	char			 why[512];	/* why the list is old or empty */
};

static void	files_read(struct tui_files *);

/* Read the list, unless the process the user chose has gone. */
static void
files_read(struct tui_files *f)
{
	struct inspect_fd	*v;
	const char		*why;
	size_t			 n;

	if ((why = action_files.refuse(&f->target, 1)) != NULL) {
		snprintf(f->why, sizeof f->why, "%s", why);
		return;		/* the last list stays, said to be old */
	}
	if (inspect_files(f->target.pid, &v, &n, f->why, sizeof f->why) != 0)
		return;
	/*
	 * Still the same process after the read: then it lived all along,
	 * so its PID named it throughout and the list is its list.
	 */
	if ((why = action_target_gone(&f->target)) != NULL) {
		inspect_files_free(v, n);
		snprintf(f->why, sizeof f->why, "%s", why);
		return;
	}
	inspect_files_free(f->v, f->n);
	f->v = v;
	f->n = n;
	f->why[0] = '\0';
}

/* L: the list of the selected process; allowed under --readonly. */
void
tui_files_open(struct tui *t)
{
	struct tui_files	*f;
	struct proc		*p = tui_selected(t);
	struct action_target	 target;
	const char		*why;
	char			 err[512];

	if (p == NULL)
		return;
	memset(&target, 0, sizeof target);
	target.pid = p->pid;
	target.start = p->start;
	snprintf(target.comm, sizeof target.comm, "%s", p->comm);
	if ((why = action_files.refuse(&target, 1)) != NULL) {
		tui_status(t, 1, "%s", why);
		return;
	}
	f = xcalloc(1, sizeof *f);
	f->target = target;
	if (inspect_files(p->pid, &f->v, &f->n, err, sizeof err) != 0) {
		tui_status(t, 1, "%s", err);
		free(f);
		return;
	}
	if ((why = action_target_gone(&target)) != NULL) {
		tui_status(t, 1, "%s", why);
		inspect_files_free(f->v, f->n);
		free(f);
		return;
	}
	tui_files_close(t);
	t->files = f;
	t->mode = MODE_FILES;
}

void
tui_files_close(struct tui *t)
{
	if (t->files == NULL)
		return;
	inspect_files_free(t->files->v, t->files->n);
	free(t->files);
	t->files = NULL;
	if (t->mode == MODE_FILES)
		t->mode = MODE_NORMAL;
}

/* Each refresh: descriptors come and go. */
void
tui_files_tick(struct tui *t)
{
	if (t->files != NULL && t->mode == MODE_FILES)
		files_read(t->files);
}

void
tui_files_key(struct tui *t, int c)
{
	struct tui_files	*f = t->files;
	size_t			 page = f->h > 1 ? f->h - 1 : 1;
	size_t			 last = f->n > (size_t)f->h ? f->n - f->h : 0;

	switch (c) {
	case 'q':
	case 'L':
	case ESC:
	case KEY_F(10):
		tui_files_close(t);
		return;
	case KEY_UP:
		f->top -= f->top > 0;
		break;
	case KEY_DOWN:
		f->top++;
		break;
	case KEY_PPAGE:
		f->top = f->top > page ? f->top - page : 0;
		break;
	case KEY_NPAGE:
		f->top += page;
		break;
	case KEY_HOME:
		f->top = 0;
		break;
	case KEY_END:
		f->top = last;
		break;
	case 'r':
		files_read(f);
		break;
	}
	if (f->top > last)
		f->top = last;
}

void
tui_files_draw(struct tui *t)
{
	struct tui_files	*f = t->files;
	struct buf		 b = BUF_INITIALIZER;
	size_t			 i;
	int			 y;

	buf_printf(&b, _(" Open files of %s (%d): %zu descriptors"),
	    f->target.comm, f->target.pid, f->n);
	if (f->why[0] != '\0')
		buf_printf(&b, "  [%s]", f->why);
	/* The name and why are untrusted: tui_text escapes them. */
	tui_text(t, 0, 0, t->cols, buf_str(&b), b.len, tui_attr(t, C_HEADER));
	buf_reset(&b);
	inspect_files_header(&b, t->cols < FILES_WIDE);
	tui_text(t, 1, 0, t->cols, buf_str(&b), b.len, tui_attr(t, C_LABEL));
	f->h = t->rows - 3;
	if (f->h < 1)
		f->h = 1;
	if (f->top + f->h > f->n)
		f->top = f->n > (size_t)f->h ? f->n - f->h : 0;
	for (i = f->top, y = 2; i < f->n && y < t->rows - 1; i++, y++) {
		buf_reset(&b);
		inspect_files_row(&b, &f->v[i], t->cols < FILES_WIDE);
		tui_text(t, y, 0, t->cols, buf_str(&b), b.len, A_NORMAL);
	}
	buf_free(&b);
	tui_cstr(t, t->rows - 1, 0, t->cols,
	    _("Up Down PgUp PgDn Home End scroll  r read again  Esc back"),
	    tui_attr(t, C_FLABEL));
}
