/* Restart: plan from /proc, then supervisor, systemctl, or in place. */

#include "vigil.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action.h"
#include "buf.h"
#include "detail.h"
#include "fdlimit.h"
#include "file.h"
#include "restart.h"
#include "sample.h"
#include "sanitize.h"
#include "sup.h"
#include "xalloc.h"

#define PF_KTHREAD_FLAG	0x00200000	/* include/linux/sched.h */

static const char	*restart_refuse(const struct action_target *, size_t);

const struct action action_restart = {
	.name = "restart",
	.key = 'R',
	.fkey = 0,
	.help = N_("restart the selected process (its supervisor, systemd, or in place)"),
	.refuse = restart_refuse,
};

static const char *
restart_refuse(const struct action_target *t, size_t n)
{
	if (n == 0)
		return (_("no process selected"));
	if (n > 1)
		return (_("restart works on one process at a time"));
	return (NULL);
}

static int
restart_fail(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
restart_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return (-1);
}

/* NUL-separated strings (cmdline, environ) as a NULL-terminated array. */
static char **
restart_split(const char *data, size_t len, size_t *np)
{
	char	**v = NULL;
	size_t	  i, n = 0;

	for (i = 0; i < len; i += strlen(data + i) + 1) {
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrdup(data + i);
	}
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	v[n] = NULL;
	*np = n;
	return (v);
}

static void
restart_free_vec(char **v)
{
	size_t	i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

void
restart_plan_free(struct restart_plan *p)
{
	free(p->unit);
	free(p->exe);
	free(p->exe_real);
	restart_free_vec(p->argv);
	restart_free_vec(p->env);
	free(p->cwd);
	free(p->groups);
	free(p->out[0]);
	free(p->out[1]);
	free(p->fallback);
	memset(p, 0, sizeof *p);
}

/*
 * The systemd service a cgroup file puts the process in: the innermost
 * *.service. Session scopes and the per-user manager (user@UID.service)
 * are not services to restart; a service below user@UID.service is a
 * user unit. Returns 0 with *unit allocated, -1 if there is none.
 */
int
restart_cgroup_unit(const char *text, char **unit, int *user)
{
	char	*path, *u;
	size_t	 len;

	*unit = NULL;
	*user = 0;
	if (detail_parse_cgroup(text, &path, &u) != 0 || u == NULL) {
		free(path);
		free(u);
		return (-1);
	}
	len = strlen(u);
	if (len <= 8 || strcmp(u + len - 8, ".service") != 0 ||
	    strncmp(u, "user@", 5) == 0) {
		free(path);
		free(u);
		return (-1);
	}
	*user = path != NULL && strstr(path, "/user@") != NULL;
	free(path);
	*unit = u;
	return (0);
}

/* What sd_booted(3) tests: systemd is the init system here. */
int
restart_systemd_reachable(void)
{
	struct stat	st;

	return (lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode));
}

/* /proc/PID/stat: the start time and the kernel-thread flag. */
static int
restart_read_stat(int dirfd, unsigned long long *start, unsigned long *flags)
{
	char	text[1024], *p;
	int	field;

	if (file_read_at(dirfd, "stat", text, sizeof text) < 0 ||
	    (p = strrchr(text, ')')) == NULL)
		return (-1);
	for (field = 2; p != NULL && field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p != NULL && field + 1 == 9)
			*flags = strtoul(p + 1, NULL, 10);
	}
	if (p == NULL)
		return (-1);
	*start = strtoull(p + 1, NULL, 10);
	return (0);
}

/* Uid, Gid, Groups and SigIgn from /proc/PID/status. */
static int
restart_read_status(int dirfd, struct restart_plan *p)
{
	char	 text[8192], *l, *e, *q;
	int	 have = 0;

	if (file_read_at(dirfd, "status", text, sizeof text) < 0)
		return (-1);
	for (l = text; *l != '\0'; l = *e != '\0' ? e + 1 : e) {
		e = strchrnul(l, '\n');
		if (strncmp(l, "Uid:", 4) == 0) {
			p->uid = strtoul(l + 4, NULL, 10);
			have |= 1;
		} else if (strncmp(l, "Gid:", 4) == 0) {
			p->gid = strtoul(l + 4, NULL, 10);
			have |= 2;
		} else if (strncmp(l, "SigIgn:", 7) == 0)
			p->sigign = strtoull(l + 7, NULL, 16);
		else if (strncmp(l, "Groups:", 7) == 0) {
			for (q = l + 7; q < e; ) {
				char	*end;
				unsigned long g = strtoul(q, &end, 10);

				if (end == q)
					break;
				p->groups = xreallocarray(p->groups,
				    p->ngroups + 1, sizeof *p->groups);
				p->groups[p->ngroups++] = g;
				q = end;
			}
		}
	}
	return (have == 3 ? 0 : -1);
}

static char *
restart_readlink(int dirfd, const char *name)
{
	char	buf[4096];
	ssize_t	n;

	if ((n = readlinkat(dirfd, name, buf, sizeof buf - 1)) <= 0)
		return (NULL);
	buf[n] = '\0';
	return (xstrdup(buf));
}

/* Where fd 1 or 2 points, if it is a regular file. */
static char *
restart_out_file(int dirfd, int fd)
{
	struct stat	 st;
	char		 name[32], *path;

	snprintf(name, sizeof name, "fd/%d", fd);
	if (fstatat(dirfd, name, &st, 0) == -1 || !S_ISREG(st.st_mode))
		return (NULL);
	if ((path = restart_readlink(dirfd, name)) == NULL)
		return (NULL);
	if (path[0] != '/' || strstr(path, " (deleted)") != NULL) {
		free(path);
		return (NULL);
	}
	return (path);
}

/* $XDG_STATE_HOME/vigil/restarts/COMM-PID.log, made as it is needed. */
static char *
restart_fallback_log(const struct restart_plan *p)
{
	char	 dir[4096], err[256], *slash, *log, comm[64];
	size_t	 i;

	if (sup_state_dir(dir, sizeof dir, 0, err, sizeof err) != 0)
		return (NULL);
	/* .../vigil/run -> .../vigil/restarts */
	if ((slash = strrchr(dir, '/')) == NULL)
		return (NULL);
	*slash = '\0';
	snprintf(comm, sizeof comm, "%s", p->comm);
	for (i = 0; comm[i] != '\0'; i++) {
		if (strchr("/ \t\n", comm[i]) != NULL || comm[i] < 0x20)
			comm[i] = '_';
	}
	xasprintf(&log, "%s/restarts/%s-%d.log", dir, comm, p->pid);
	return (log);
}

/* The process's own PATH, from its environment; NULL: none. */
static const char *
restart_env_path(const struct restart_plan *p)
{
	size_t	i;

	for (i = 0; i < p->nenv; i++) {
		if (strncmp(p->env[i], "PATH=", 5) == 0)
			return (p->env[i] + 5);
	}
	return (NULL);
}

/*
 * The file argv[0] names for the process, as its exec found it: a path
 * with a slash against its working directory, a bare name through its
 * own PATH (the first regular file there, as execvp takes it). NULL if
 * there is none.
 */
static char *
restart_argv0_path(const struct restart_plan *p)
{
	const char	*a0 = p->argv[0], *path, *d, *e;
	struct stat	 st;
	char		*c;
	size_t		 dl;

	if (*a0 == '\0')
		return (NULL);
	if (strchr(a0, '/') != NULL) {
		if (*a0 == '/')
			return (xstrdup(a0));
		xasprintf(&c, "%s/%s", p->cwd, a0);
		return (c);
	}
	if ((path = restart_env_path(p)) == NULL)
		return (NULL);
	for (d = path; ; d = e + 1) {
		e = strchrnul(d, ':');
		dl = e - d;
		if (dl == 0)
			xasprintf(&c, "%s/%s", p->cwd, a0);
		else if (*d != '/')
			xasprintf(&c, "%s/%.*s/%s", p->cwd, (int)dl, d, a0);
		else
			xasprintf(&c, "%.*s/%s", (int)dl, d, a0);
		if (stat(c, &st) == 0 && S_ISREG(st.st_mode))
			return (c);
		free(c);
		if (*e == '\0')
			return (NULL);
	}
}

/*
 * What to execute: the path argv[0] gives while it still names the file
 * the process runs (same device and inode as /proc/PID/exe), so that the
 * new process has the same name ("python3", not the "python3.11" the
 * symbolic link resolves to) and pgrep and alarm rules still find it;
 * else the resolved executable.
 */
static void
restart_pick_exe(int dirfd, struct restart_plan *p)
{
	struct stat	 run, st;
	char		*a0;

	p->exe = xstrdup(p->exe_real);
	if (p->exe_deleted || fstatat(dirfd, "exe", &run, 0) != 0 ||
	    (a0 = restart_argv0_path(p)) == NULL)
		return;
	if (stat(a0, &st) == 0 && st.st_dev == run.st_dev &&
	    st.st_ino == run.st_ino) {
		free(p->exe);
		p->exe = a0;
		p->exe_argv0 = 1;
	} else
		free(a0);
}

static int
restart_read_inplace(int dirfd, struct restart_plan *p, char *why,
    size_t len)
{
	char	*data, *exe;
	ssize_t	 n;
	size_t	 el;
	int	 i;

	if ((n = file_read_all_at(dirfd, "cmdline", &data)) < 0)
		return (restart_fail(why, len,
		    _("cannot read the command line of process %d: %s"),
		    p->pid, strerror(errno)));
	p->argv = restart_split(data, n, &p->argc);
	free(data);
	if (p->argc == 0)
		return (restart_fail(why, len,
		    _("process %d has no command line (a zombie or a kernel thread): nothing to start again"),
		    p->pid));
	if ((n = file_read_all_at(dirfd, "environ", &data)) < 0)
		return (restart_fail(why, len,
		    _("cannot read the environment of process %d: %s"),
		    p->pid, strerror(errno)));
	p->env = restart_split(data, n, &p->nenv);
	free(data);
	if ((exe = restart_readlink(dirfd, "exe")) == NULL)
		return (restart_fail(why, len,
		    _("cannot see the executable of process %d: %s"), p->pid,
		    strerror(errno)));
	el = strlen(exe);
	if (el > 10 && strcmp(exe + el - 10, " (deleted)") == 0) {
		exe[el - 10] = '\0';
		p->exe_deleted = 1;
		if (access(exe, X_OK) != 0) {
			restart_fail(why, len,
			    _("the executable of process %d, %s, was deleted and nothing runnable replaced it"),
			    p->pid, exe);
			free(exe);
			return (-1);
		}
	}
	p->exe_real = exe;
	if ((p->cwd = restart_readlink(dirfd, "cwd")) == NULL)
		return (restart_fail(why, len,
		    _("cannot see the working directory of process %d: %s"),
		    p->pid, strerror(errno)));
	restart_pick_exe(dirfd, p);
	for (i = 0; i < 2; i++)
		p->out[i] = restart_out_file(dirfd, i + 1);
	if (p->out[0] == NULL || p->out[1] == NULL)
		p->fallback = restart_fallback_log(p);
	return (0);
}

static void
restart_user_name(struct restart_plan *p)
{
	struct passwd	*pw;

	if ((pw = getpwuid(p->uid)) != NULL)
		snprintf(p->user, sizeof p->user, "%s", pw->pw_name);
	else
		snprintf(p->user, sizeof p->user, "%u", p->uid);
}

/* How to restart t, or why not (in why). */
int
restart_plan_build(struct restart_plan *p, const struct action_target *t,
    char *why, size_t len)
{
	const struct sup_entry	*se;
	struct sup_entry	*v;
	char			 path[32], *cg;
	unsigned long		 flags = 0;
	unsigned long long	 start;
	size_t			 n;
	int			 dirfd, rc = -1;

	memset(p, 0, sizeof *p);
	p->pid = t->pid;
	p->start = t->start;
	snprintf(p->comm, sizeof p->comm, "%s", t->comm);
	if (t->pid == 1)
		return (restart_fail(why, len,
		    _("PID 1 (%s) is the init system: restarting it would take the whole system down"),
		    t->comm));
	if (t->pid == getpid())
		return (restart_fail(why, len,
		    _("this is vigil itself: quit and start it again instead")));
	snprintf(path, sizeof path, "/proc/%d", t->pid);
	if ((dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return (restart_fail(why, len,
		    _("process %d has already exited"), t->pid));
	if (restart_read_stat(dirfd, &start, &flags) != 0) {
		restart_fail(why, len, _("process %d has already exited"),
		    t->pid);
		goto out;
	}
	if (start != t->start) {
		restart_fail(why, len,
		    _("PID %d is now another process (it started later than the one you selected): nothing was restarted"),
		    t->pid);
		goto out;
	}
	if (flags & PF_KTHREAD_FLAG) {
		restart_fail(why, len,
		    _("%s (%d) is a kernel thread: the kernel runs it, there is nothing to restart"),
		    t->comm, t->pid);
		goto out;
	}
	if (restart_read_status(dirfd, p) != 0) {
		restart_fail(why, len,
		    _("cannot read the credentials of process %d"), t->pid);
		goto out;
	}
	restart_user_name(p);
	if (geteuid() != 0 && p->uid != geteuid()) {
		restart_fail(why, len,
		    _("process %d belongs to %s: only root may restart another user's process"),
		    t->pid, p->user);
		goto out;
	}
	if (kill(t->pid, 0) == -1 && errno == EPERM) {
		restart_fail(why, len,
		    _("vigil may not signal process %d (%s): try as root"),
		    t->pid, p->user);
		goto out;
	}
	/* The process's own supervisor, if vigil run started it. */
	if (sup_list(&v, &n) == 0) {
		if ((se = sup_find_pid(v, n, t->pid)) != NULL) {
			p->kind = RESTART_SUPERVISED;
			snprintf(p->sup_name, sizeof p->sup_name, "%s",
			    se->name);
			p->sup_pid = se->sup_pid;
			snprintf(p->sup_log, sizeof p->sup_log, "%s", se->log);
		}
		free(v);
	}
	if (p->kind == RESTART_INPLACE &&
	    file_read_all_at(dirfd, "cgroup", &cg) >= 0) {
		if (restart_cgroup_unit(cg, &p->unit, &p->user_unit) == 0) {
			if (restart_systemd_reachable())
				p->kind = RESTART_SYSTEMD;
			else
				snprintf(p->note, sizeof p->note,
				    _("it is in %s, but systemd is not running here (no /run/systemd/system): restarting in place"),
				    p->unit);
		}
		free(cg);
	}
	if (p->kind == RESTART_INPLACE) {
		if (restart_read_inplace(dirfd, p, why, len) != 0)
			goto out;
	} else {
		/* For the confirmation: what runs now. */
		char	*data;
		ssize_t	 dl;

		if ((dl = file_read_all_at(dirfd, "cmdline", &data)) >= 0) {
			p->argv = restart_split(data, dl, &p->argc);
			free(data);
		}
	}
	rc = 0;
out:
	close(dirfd);
	if (rc != 0) {
		restart_plan_free(p);
		p->pid = t->pid;
	}
	return (rc);
}

/* Arguments as a shell would need them quoted, then made safe to show. */
void
restart_quote_argv(char *const *argv, size_t argc, struct buf *b)
{
	struct buf	q = BUF_INITIALIZER;
	const char	*a, *c;
	size_t		i;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (i > 0)
			buf_addc(&q, ' ');
		if (*a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-") ==
		    strlen(a)) {
			buf_adds(&q, a);
			continue;
		}
		buf_addc(&q, '\'');
		for (c = a; *c != '\0'; c++) {
			if (*c == '\'')
				buf_adds(&q, "'\\''");
			else
				buf_addc(&q, *c);
		}
		buf_addc(&q, '\'');
	}
	sanitize(b, q.data != NULL ? q.data : "", q.len, 0);
	buf_free(&q);
}

/* The confirmation's lines, '\n'-separated, every untrusted part safe. */
void
restart_plan_describe(const struct restart_plan *p, double timeout,
    struct buf *b)
{
	struct buf	c = BUF_INITIALIZER;
	size_t		i;

	sanitize(&c, p->comm, strlen(p->comm), 0);
	switch (p->kind) {
	case RESTART_SUPERVISED:
		buf_printf(b, _("Restart %s (%d) through its supervisor %s (vigil run, PID %d)\n"),
		    buf_str(&c), p->pid, p->sup_name, p->sup_pid);
		buf_adds(b, _("Runs again: "));
		restart_quote_argv(p->argv, p->argc, b);
		buf_addc(b, '\n');
		buf_printf(b, _("Output: %s\n"), p->sup_log);
		break;
	case RESTART_SYSTEMD:
		buf_printf(b, _("Restart %s (%d): it belongs to the systemd unit %s\n"),
		    buf_str(&c), p->pid, p->unit);
		buf_printf(b, _("Runs: systemctl %srestart --no-block %s\n"),
		    p->user_unit ? "--user " : "", p->unit);
		break;
	case RESTART_INPLACE:
		buf_printf(b, _("Restart %s (%d) in place: SIGTERM, then start it again\n"),
		    buf_str(&c), p->pid);
		buf_adds(b, _("Runs: "));
		restart_quote_argv(p->argv, p->argc, b);
		buf_addc(b, '\n');
		buf_adds(b, _("Executable: "));
		sanitize(b, p->exe, strlen(p->exe), 0);
		if (p->exe_deleted)
			buf_adds(b, _(" (the one it runs was deleted; this is the file there now)"));
		else if (p->exe_argv0 && strcmp(p->exe, p->exe_real) != 0) {
			buf_adds(b, _(" (its argv[0], so it keeps its name; the same file as "));
			sanitize(b, p->exe_real, strlen(p->exe_real), 0);
			buf_addc(b, ')');
		} else if (p->exe_argv0)
			buf_adds(b, _(" (its argv[0])"));
		else {
			buf_printf(b, _(" (where /proc/%d/exe points: its argv[0], "),
			    p->pid);
			sanitize(b, p->argv[0], strlen(p->argv[0]), 0);
			buf_adds(b, _(", names another file or none)"));
		}
		buf_addc(b, '\n');
		buf_printf(b, _("As: %s (uid %u, gid %u"), p->user, p->uid,
		    p->gid);
		if (p->ngroups > 0) {
			buf_adds(b, _(", groups"));
			for (i = 0; i < p->ngroups; i++)
				buf_printf(b, "%s%u", i == 0 ? " " : ",",
				    p->groups[i]);
		}
		buf_adds(b, ")\n");
		buf_adds(b, _("In: "));
		sanitize(b, p->cwd, strlen(p->cwd), 0);
		buf_printf(b, _("\nEnvironment: the same %zu variables\n"),
		    p->nenv);
		for (i = 0; i < 2; i++) {
			const char *f = p->out[i] != NULL ? p->out[i] :
			    p->fallback != NULL ? p->fallback : "/dev/null";

			buf_adds(b, i == 0 ? _("Stdout: ") : _("Stderr: "));
			sanitize(b, f, strlen(f), 0);
			buf_adds(b, p->out[i] != NULL ? _(" (appended)\n") :
			    _(" (it was not a file)\n"));
		}
		buf_printf(b, _("If it has not exited %g s after SIGTERM, SIGKILL is offered\n"),
		    timeout);
		break;
	}
	if (p->note[0] != '\0') {
		buf_adds(b, _("Note: "));
		sanitize(b, p->note, strlen(p->note), 0);
		buf_addc(b, '\n');
	}
	buf_free(&c);
}

/*
 * Open a pidfd, then check the start time (so a PID reused before the
 * open is caught, and one reused after cannot be signalled), then SIGTERM.
 * The caller waits for the pidfd to become readable: the process ended.
 */
int
restart_terminate(const struct restart_plan *p, int *pidfdp, char *err,
    size_t len)
{
	unsigned long long	start;
	int			fd;

	if ((fd = syscall(SYS_pidfd_open, p->pid, 0)) == -1)
		return (restart_fail(err, len,
		    errno == ESRCH ? _("process %d has already exited: nothing was restarted") :
		    _("cannot open process %d: %s"), p->pid, strerror(errno)));
	if (sample_start_time(p->pid, &start) != 0 || start != p->start) {
		close(fd);
		return (restart_fail(err, len,
		    _("PID %d is now another process (it started later than the one you selected): nothing was restarted"),
		    p->pid));
	}
	if (restart_pidfd_signal(fd, SIGTERM) != 0) {
		restart_fail(err, len, _("cannot signal process %d: %s"),
		    p->pid, strerror(errno));
		close(fd);
		return (-1);
	}
	*pidfdp = fd;
	return (0);
}

int
restart_pidfd_signal(int fd, int signo)
{
	return (syscall(SYS_pidfd_send_signal, fd, signo, NULL, 0) == -1 ?
	    -1 : 0);
}

/* In the new process: report "E errno step" and end. */
static void
restart_child_fail(int fd, const char *step)
{
	dprintf(fd, "E %d %s", errno, step);
	_exit(127);
}

static int
restart_open_out(const char *path, int *fd)
{
	*fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY, 0600);
	return (*fd == -1 ? -1 : 0);
}

/* Every directory above path, as mkdir -p makes them (private). */
static void
restart_mkdirs(const char *path)
{
	char	dir[4096];
	size_t	i;

	snprintf(dir, sizeof dir, "%s", path);
	for (i = 1; dir[i] != '\0'; i++) {
		if (dir[i] != '/')
			continue;
		dir[i] = '\0';
		mkdir(dir, 0700);
		dir[i] = '/';
	}
}

/* The new process, after the fork: becomes the old one again. */
static void
restart_child(const struct restart_plan *p, int rep)
{
	sigset_t	 none;
	gid_t		*groups;
	size_t		 i;
	int		 fds[2] = { -1, -1 }, fb = -1, nul, sig;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* The dispositions it had: ignored signals stay ignored (nohup). */
	for (sig = 1; sig < 65 && sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		signal(sig, (p->sigign >> (sig - 1)) & 1 ? SIG_IGN : SIG_DFL);
	}
	if (setsid() == -1)
		restart_child_fail(rep, "setsid");
	/* vigil's own log, opened before dropping privilege, if needed. */
	if (p->fallback != NULL) {
		restart_mkdirs(p->fallback);
		if (restart_open_out(p->fallback, &fb) != 0)
			restart_child_fail(rep, "open log");
	}
	if (geteuid() == 0) {
		groups = xcalloc(p->ngroups + 1, sizeof *groups);
		for (i = 0; i < p->ngroups; i++)
			groups[i] = p->groups[i];
		if (setgroups(p->ngroups, groups) == -1 ||
		    setgid(p->gid) == -1 || setuid(p->uid) == -1)
			restart_child_fail(rep, "setuid");
		free(groups);
	}
	if (chdir(p->cwd) == -1)
		restart_child_fail(rep, "chdir");
	for (i = 0; i < 2; i++) {
		if (p->out[i] != NULL && restart_open_out(p->out[i],
		    &fds[i]) != 0)
			restart_child_fail(rep, "open output");
		if (fds[i] == -1)
			fds[i] = fb != -1 ? fb : open("/dev/null", O_WRONLY);
	}
	if ((nul = open("/dev/null", O_RDONLY)) == -1)
		restart_child_fail(rep, "open /dev/null");
	if (dup2(nul, 0) == -1 || dup2(fds[0], 1) == -1 ||
	    dup2(fds[1], 2) == -1)
		restart_child_fail(rep, "dup2");
	/* Nothing of vigil's leaks into it but the report pipe (cloexec). */
	for (i = 3; i < 1024; i++) {
		if ((int)i != rep)
			close(i);
	}
	fdlimit_restore();
	dprintf(rep, "P %d\n", (int)getpid());
	execve(p->exe, p->argv, p->env);
	restart_child_fail(rep, "execve");
}

/*
 * Start the plan's command again. The new process is a grandchild in a
 * session of its own, so it outlives vigil and vigil has no child to
 * reap; it reports its PID, then either the exec closes the pipe or it
 * says which step failed.
 */
int
restart_exec(const struct restart_plan *p, int *newpid, char *err,
    size_t len)
{
	char	 msg[128], step[64];
	ssize_t	 n, got = 0;
	pid_t	 pid;
	int	 rep[2], status, e, npid = 0;

	if (pipe2(rep, O_CLOEXEC) == -1)
		return (restart_fail(err, len, "pipe: %s", strerror(errno)));
	if ((pid = fork()) == -1) {
		close(rep[0]);
		close(rep[1]);
		return (restart_fail(err, len, "fork: %s", strerror(errno)));
	}
	if (pid == 0) {
		close(rep[0]);
		if ((pid = fork()) == -1)
			restart_child_fail(rep[1], "fork");
		if (pid > 0)
			_exit(0);
		restart_child(p, rep[1]);
	}
	close(rep[1]);
	while (got < (ssize_t)sizeof msg - 1 &&
	    (n = read(rep[0], msg + got, sizeof msg - 1 - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += n;
	}
	msg[got] = '\0';
	close(rep[0]);
	waitpid(pid, &status, 0);
	if (sscanf(msg, "P %d", &npid) == 1 && strchr(msg, 'E') == NULL) {
		*newpid = npid;
		return (0);
	}
	if (sscanf(strchr(msg, 'E') != NULL ? strchr(msg, 'E') : msg,
	    "E %d %63s", &e, step) == 2)
		return (restart_fail(err, len,
		    _("the new process could not start (%s: %s)"), step,
		    strerror(e)));
	return (restart_fail(err, len, _("the new process could not start")));
}

int
restart_supervised(const struct restart_plan *p, int *newpid, char *err,
    size_t len)
{
	char	req[32], reply[512];

	/*
	 * Its supervisor restarts it only if it is still its child; the
	 * supervisor itself chosen restarts whichever child it has.
	 */
	if (p->pid == p->sup_pid)
		snprintf(req, sizeof req, "restart");
	else
		snprintf(req, sizeof req, "restart %d", p->pid);
	if (sup_request(p->sup_name, req, reply, sizeof reply, 30) != 0)
		return (restart_fail(err, len, _("supervisor %s: %s"),
		    p->sup_name, reply));
	if (sscanf(reply, "ok %d", newpid) != 1)
		return (restart_fail(err, len,
		    _("supervisor %s answered: %s"), p->sup_name, reply));
	return (0);
}

/* systemctl restart --no-block: queued, not waited for. */
int
restart_systemctl(const struct restart_plan *p, char *err, size_t len)
{
	char	 out[512];
	ssize_t	 n, got = 0;
	pid_t	 pid;
	int	 pp[2], status, nul;

	if (pipe2(pp, O_CLOEXEC) == -1)
		return (restart_fail(err, len, "pipe: %s", strerror(errno)));
	if ((pid = fork()) == -1) {
		close(pp[0]);
		close(pp[1]);
		return (restart_fail(err, len, "fork: %s", strerror(errno)));
	}
	if (pid == 0) {
		sigset_t	none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if ((nul = open("/dev/null", O_RDWR)) != -1) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		dup2(pp[1], 2);
		fdlimit_restore();
		if (p->user_unit)
			execlp("systemctl", "systemctl", "--user", "restart",
			    "--no-block", p->unit, (char *)NULL);
		else
			execlp("systemctl", "systemctl", "restart",
			    "--no-block", p->unit, (char *)NULL);
		dprintf(2, "systemctl: %s", strerror(errno));
		_exit(127);
	}
	close(pp[1]);
	while (got < (ssize_t)sizeof out - 1 &&
	    (n = read(pp[0], out + got, sizeof out - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	out[strcspn(out, "\n")] = '\0';
	close(pp[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return (restart_fail(err, len, _("systemctl restart %s failed: %s"),
		    p->unit, out[0] != '\0' ? out : _("no reason given")));
	return (0);
}
