/* Restart from the monitor (R): confirm the plan, run it, select the new. */

#include "vigil.h"

#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "buf.h"
#include "loop.h"
#include "model.h"
#include "options.h"
#include "refresh.h"
#include "restart.h"
#include "sample.h"
#include "sup.h"
#include "ui-int.h"
#include "xalloc.h"

#define ESC	27

enum rs_stage {
	RS_CONFIRM, RS_CONFIRM_DELETED, RS_WAIT, RS_OFFER_KILL, RS_WAIT_KILL
};

struct tui_restart {
	struct restart_plan	 plan;
	int			 have_plan;
	enum rs_stage		 stage;
	int			 pidfd;
	int			 timer;
	struct buf		 text;		/* the plan, described */

	/* The supervisors, read at most once a second. */
	struct sup_entry	*sups;
	size_t			 nsups;
	double			 sups_read;
};

static void	rs_done(struct tui *);

static double
rs_clock(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static struct tui_restart *
rs_get(struct tui *t)
{
	if (t->restart == NULL) {
		t->restart = xcalloc(1, sizeof *t->restart);
		t->restart->pidfd = -1;
		t->restart->timer = -1;
		t->restart->sups_read = -1e9;
	}
	return (t->restart);
}

/* The supervisor of pid (its child or itself), from a cached list. */
static const struct sup_entry *
rs_sup(struct tui *t, int pid)
{
	struct tui_restart	*rs = rs_get(t);
	double			 now = rs_clock();

	if (now - rs->sups_read >= 1.0) {
		free(rs->sups);
		rs->sups = NULL;
		rs->nsups = 0;
		sup_list(&rs->sups, &rs->nsups);
		rs->sups_read = now;
	}
	return (sup_find_pid(rs->sups, rs->nsups, pid));
}

/* The marker before a supervised child's command: "[run NAME r2] ". */
int
tui_sup_mark(struct tui *t, const struct proc *p, char *out, size_t len)
{
	const struct sup_entry	*e = rs_sup(t, p->pid);

	if (e == NULL || e->child_pid != p->pid)
		return (0);
	snprintf(out, len, "[run %s r%ld] ", e->name, e->restarts);
	return (1);
}

/*
 * The log its supervisor writes for a supervised child, whose own stdout
 * and stderr are a pipe (the log pane's hook); NULL for other processes.
 */
const char *
tui_sup_log(struct tui *t, int pid)
{
	const struct sup_entry	*e = rs_sup(t, pid);

	if (e == NULL || e->child_pid != pid || e->log[0] == '\0')
		return (NULL);
	return (e->log);
}

static void
rs_drop_plan(struct tui_restart *rs)
{
	if (rs->have_plan)
		restart_plan_free(&rs->plan);
	rs->have_plan = 0;
	buf_reset(&rs->text);
}

/* R: build the plan of the selected process and show it. */
void
tui_restart_start(struct tui *t)
{
	struct tui_restart	*rs = rs_get(t);
	struct action_target	 a;
	struct proc		*p = tui_selected(t);
	const char		*why;
	char			 err[512];

	if (t->o->readonly) {
		tui_status(t, 1, "%s", action_readonly_refusal());
		return;
	}
	if (rs->pidfd != -1) {
		tui_status(t, 1, _("a restart is already under way"));
		return;
	}
	memset(&a, 0, sizeof a);
	if (p != NULL) {
		a.pid = p->pid;
		a.start = p->start;
		snprintf(a.comm, sizeof a.comm, "%s", p->comm);
	}
	if ((why = action_restart.refuse(&a, p != NULL)) != NULL) {
		tui_status(t, 1, "%s", why);
		return;
	}
	rs_drop_plan(rs);
	if (restart_plan_build(&rs->plan, &a, err, sizeof err) != 0) {
		tui_status(t, 1, _("cannot restart: %s"), err);
		return;
	}
	rs->have_plan = 1;
	restart_plan_describe(&rs->plan, t->o->restart_timeout, &rs->text);
	rs->stage = RS_CONFIRM;
	t->mode = MODE_RESTART;
	tui_status(t, 0, "%s", _("Restart? [y/N]"));
	t->status_until = 1e18;
}

/* Select the new process and say so. */
static void
rs_select(struct tui *t, int pid, const char *how)
{
	size_t	i;

	refresh_tick(t->r);
	t->mode = MODE_NORMAL;
	tui_apply_view(t);
	for (i = 0; i < t->m->nview; i++) {
		if (t->m->view[i].p->pid == pid) {
			tui_select_user(t, i);
			break;
		}
	}
	tui_status(t, 0, _("restarted %s: new PID %d (was %d)%s"),
	    t->restart->plan.comm, pid, t->restart->plan.pid, how);
}

static void
rs_close_wait(struct tui *t)
{
	struct tui_restart	*rs = t->restart;

	if (rs->timer != -1) {
		loop_del_timer(t->loop, rs->timer);
		rs->timer = -1;
	}
	if (rs->pidfd != -1) {
		loop_del_fd(t->loop, rs->pidfd);
		close(rs->pidfd);
		rs->pidfd = -1;
	}
}

static void
rs_done(struct tui *t)
{
	rs_close_wait(t);
	t->mode = MODE_NORMAL;
	t->restart->stage = RS_CONFIRM;
	rs_drop_plan(t->restart);
}

/* The old process has ended: start the new one. */
static void
rs_exited(int fd, short revents, void *arg)
{
	struct tui		*t = arg;
	struct tui_restart	*rs = t->restart;
	char			 err[512];
	int			 npid;

	rs_close_wait(t);
	if (restart_exec(&rs->plan, &npid, err, sizeof err) != 0) {
		t->mode = MODE_NORMAL;
		tui_status(t, 1, _("process %d ended, but %s"), rs->plan.pid,
		    err);
		t->status_until += 25;	/* it is gone: say so for longer */
	} else
		rs_select(t, npid, "");
	rs->stage = RS_CONFIRM;
	rs_drop_plan(rs);
	tui_draw(t);
}

static void
rs_timeout(void *arg)
{
	struct tui		*t = arg;
	struct tui_restart	*rs = t->restart;

	loop_del_timer(t->loop, rs->timer);
	rs->timer = -1;
	rs->stage = RS_OFFER_KILL;
	tui_status(t, 1, _("process %d has not exited %ld s after SIGTERM. Send SIGKILL? [y/N]"),
	    rs->plan.pid, t->o->restart_timeout);
	t->status_until = 1e18;
	tui_draw(t);
}

static void
rs_run(struct tui *t)
{
	struct tui_restart	*rs = t->restart;
	struct restart_plan	*p = &rs->plan;
	unsigned long long	 start;
	char			 err[512];
	int			 npid;

	if (p->kind != RESTART_INPLACE &&
	    (sample_start_time(p->pid, &start) != 0 || start != p->start)) {
		tui_status(t, 1, _("PID %d is now another process (or gone): nothing was restarted"),
		    p->pid);
		rs_done(t);
		return;
	}
	switch (p->kind) {
	case RESTART_SUPERVISED:
		if (restart_supervised(p, &npid, err, sizeof err) != 0)
			tui_status(t, 1, "%s", err);
		else {
			char how[128];

			snprintf(how, sizeof how, _(" by supervisor %s"),
			    p->sup_name);
			rs_select(t, npid, how);
		}
		rs_done(t);
		return;
	case RESTART_SYSTEMD:
		if (restart_systemctl(p, err, sizeof err) != 0)
			tui_status(t, 1, "%s", err);
		else
			tui_status(t, 0, _("systemctl restart %s: queued"),
			    p->unit);
		rs_done(t);
		return;
	case RESTART_INPLACE:
		break;
	}
	if (restart_terminate(p, &rs->pidfd, err, sizeof err) != 0) {
		tui_status(t, 1, "%s", err);
		rs_done(t);
		return;
	}
	loop_add_fd(t->loop, rs->pidfd, POLLIN, rs_exited, t);
	rs->timer = loop_add_timer(t->loop, t->o->restart_timeout, 0,
	    rs_timeout, t);
	rs->stage = RS_WAIT;
	t->mode = MODE_NORMAL;
	tui_status(t, 0, _("sent SIGTERM to %d; it starts again when it has exited"),
	    p->pid);
	t->status_until = 1e18;
}

void
tui_restart_key(struct tui *t, int c)
{
	struct tui_restart	*rs = rs_get(t);
	int			 yes = c == 'y' || c == 'Y';

	switch (rs->stage) {
	case RS_CONFIRM:
		if (!yes)
			break;
		if (rs->plan.kind == RESTART_INPLACE && rs->plan.exe_deleted) {
			rs->stage = RS_CONFIRM_DELETED;
			tui_status(t, 1, _("Its executable was deleted since it started: run the file now at that path? [y/N]"));
			t->status_until = 1e18;
			return;
		}
		rs_run(t);
		return;
	case RS_CONFIRM_DELETED:
		if (!yes)
			break;
		rs_run(t);
		return;
	default:
		return;
	}
	tui_status(t, 0, _("nothing was restarted"));
	rs_done(t);
}

/*
 * Keys while the old process is being waited for: SIGKILL when offered,
 * Esc gives up waiting. Returns 1 if the key was taken.
 */
int
tui_restart_pending_key(struct tui *t, int c)
{
	struct tui_restart	*rs = t->restart;

	if (rs == NULL || rs->pidfd == -1)
		return (0);
	if (rs->stage == RS_OFFER_KILL) {
		if (c == 'y' || c == 'Y') {
			restart_pidfd_signal(rs->pidfd, SIGKILL);
			rs->stage = RS_WAIT_KILL;
			tui_status(t, 0, _("sent SIGKILL to %d"), rs->plan.pid);
		} else {
			tui_status(t, 1, _("not restarted: process %d was sent SIGTERM and still runs"),
			    rs->plan.pid);
			rs_done(t);
		}
		return (1);
	}
	if (c == ESC) {
		tui_status(t, 1, _("stopped waiting for process %d (it was sent SIGTERM): not restarted"),
		    rs->plan.pid);
		rs_done(t);
		return (1);
	}
	return (0);
}

/* The plan, line by line, over the process table. */
void
tui_restart_draw(struct tui *t)
{
	struct tui_restart	*rs = t->restart;
	const char		*l, *e;
	int			 y = t->table_y;

	if (rs == NULL || !rs->have_plan)
		return;
	tui_fill(y - 1, 0, t->cols, tui_attr(t, C_HEADER));
	tui_cstr(t, y - 1, 0, t->cols, _(" Restart"), tui_attr(t, C_HEADER));
	for (l = buf_str(&rs->text); *l != '\0' && y < t->rows - 1; l = e) {
		e = strchrnul(l, '\n');
		tui_fill(y, 0, t->cols, tui_attr(t, C_DIALOG));
		/* Already sanitised by restart_plan_describe(). */
		tui_textp(t, y, 1, t->cols - 1, l, e - l,
		    tui_attr(t, C_DIALOG), 0);
		y++;
		if (*e == '\n')
			e++;
	}
	if (y < t->rows - 1)
		tui_fill(y, 0, t->cols, tui_attr(t, C_DIALOG));
}

void
tui_restart_free(struct tui *t)
{
	struct tui_restart	*rs = t->restart;

	if (rs == NULL)
		return;
	if (rs->pidfd != -1)
		close(rs->pidfd);
	rs_drop_plan(rs);
	buf_free(&rs->text);
	free(rs->sups);
	free(rs);
	t->restart = NULL;
}
