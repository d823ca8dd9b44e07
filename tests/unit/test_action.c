/*
 * Unit tests of the kill action: pidfd, start-time check, plain errors;
 * and of every action in the registry refusing a target that is gone.
 */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/ioprio.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action.h"
#include "restart.h"
#include "sample.h"

static pid_t
spawn_sleeper(void)
{
	pid_t	pid = fork();

	if (pid == 0) {
		execlp("sleep", "sleep", "100", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	return (pid);
}

static void
target_of(struct action_target *t, pid_t pid)
{
	memset(t, 0, sizeof *t);
	t->pid = pid;
	assert_int_equal(sample_start_time(pid, &t->start), 0);
	snprintf(t->comm, sizeof t->comm, "sleep");
}

static void
test_kill_sends(void **state)
{
	struct action_target	t;
	char			err[200];
	int			status;
	pid_t			pid = spawn_sleeper();

	target_of(&t, pid);
	assert_int_equal(action_kill_one(&t, SIGTERM, err, sizeof err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
}

/* A PID whose start time is not the one seen is never signalled. */
static void
test_kill_refuses_reused_pid(void **state)
{
	struct action_target	t;
	char			err[200];
	pid_t			pid = spawn_sleeper();

	target_of(&t, pid);
	t.start += 1;		/* as if the PID now named another process */
	assert_int_equal(action_kill_one(&t, SIGKILL, err, sizeof err), -1);
	assert_non_null(strstr(err, "another process"));
	assert_int_equal(kill(pid, 0), 0);	/* still alive */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void *
thread_wait(void *arg)
{
	int	fd = *(int *)arg;
	pid_t	tid = gettid();

	if (write(fd, &tid, sizeof tid) != sizeof tid)
		_exit(3);
	for (;;)
		pause();
	return (NULL);
}

/*
 * A thread's row (H): the signal goes through a pidfd of that thread,
 * checked by the thread's start time; SIGTERM ends its process.
 */
static void
test_kill_thread(void **state)
{
	struct action_target	t;
	pthread_t		th;
	char			err[200];
	int			fds[2], status;
	pid_t			pid, tid;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* if the test fails */
		if (pthread_create(&th, NULL, thread_wait, &fds[1]) != 0)
			_exit(2);
		for (;;)
			pause();
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &tid, sizeof tid), sizeof tid);
	close(fds[0]);
	assert_int_not_equal(tid, pid);
	memset(&t, 0, sizeof t);
	t.pid = tid;
	t.thread = 1;
	assert_int_equal(sample_start_time(tid, &t.start), 0);
	t.start += 1;		/* reused: refused */
	assert_int_equal(action_kill_one(&t, SIGTERM, err, sizeof err), -1);
	assert_non_null(strstr(err, "another"));
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
	t.start -= 1;
	if (action_kill_one(&t, SIGTERM, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGTERM);
}

static void
test_kill_exited(void **state)
{
	struct action_target	t;
	char			err[200];
	pid_t			pid = spawn_sleeper();

	target_of(&t, pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(action_kill_one(&t, SIGTERM, err, sizeof err), -1);
	assert_non_null(strstr(err, "exited"));
}

static void
test_kill_not_permitted(void **state)
{
	struct action_target	t;
	char			err[200];
	pid_t			pid;
	int			fds[2];
	char			c;

	if (geteuid() != 0)
		skip();
	/* A child that drops to nobody, then tries to signal init. */
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		target_of(&t, 1);
		c = action_kill_one(&t, 0, err, sizeof err) == -1 &&
		    strstr(err, "not allowed") != NULL ? 'y' : 'n';
		if (write(fds[1], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	assert_int_equal(c, 'y');
}

static void
test_second_confirm(void **state)
{
	struct action_target	t[2];

	memset(t, 0, sizeof t);
	t[0].pid = 4242;
	assert_false(action_needs_second_confirm(t, 1));
	t[1].pid = 1;
	assert_true(action_needs_second_confirm(t, 2));
	t[1].pid = getpid();
	assert_true(action_needs_second_confirm(t, 2));
}

static void
test_signal_table(void **state)
{
	size_t	i;
	int	term = 0, kill9 = 0;

	assert_true(action_nsignals >= 31);
	for (i = 0; i < action_nsignals; i++) {
		assert_true(action_signals[i].signo > 0);
		assert_true(strncmp(action_signals[i].name, "SIG", 3) == 0);
		term += action_signals[i].signo == SIGTERM;
		kill9 += action_signals[i].signo == SIGKILL;
	}
	assert_int_equal(term, 1);
	assert_int_equal(kill9, 1);
	assert_ptr_equal(action_find('k'), &action_kill);
	assert_null(action_find('Z'));
}

static void
test_start_time_parses_odd_names(void **state)
{
	unsigned long long	a, b;

	/* Our own: a name without spaces; compare with a second read. */
	assert_int_equal(sample_start_time(getpid(), &a), 0);
	assert_int_equal(sample_start_time(getpid(), &b), 0);
	assert_true(a == b && a > 0);
	assert_int_equal(sample_start_time(0x3fffffff, &a), -1);
}

/* --- Every action of the registry, on a target that is gone ----------- */

static int
stale_kill(const struct action_target *t, char *err, size_t len)
{
	return (action_kill_one(t, SIGTERM, err, len));
}

static int
stale_nice_lower(const struct action_target *t, char *err, size_t len)
{
	struct action_sched	r;

	return (action_renice_one(t, -1, &r, err, len));
}

static int
stale_nice_raise(const struct action_target *t, char *err, size_t len)
{
	struct action_sched	r;

	return (action_renice_one(t, 1, &r, err, len));
}

static int
stale_affinity(const struct action_target *t, char *err, size_t len)
{
	struct action_sched	r;
	cpu_set_t		set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return (action_affinity_one(t, &set, sizeof set, &r, err, len));
}

static int
stale_ioprio(const struct action_target *t, char *err, size_t len)
{
	struct action_sched	r;

	return (action_ioprio_one(t, action_ioprio_value(IOPRIO_CLASS_IDLE,
	    0), &r, err, len));
}

static int
stale_restart(const struct action_target *t, char *err, size_t len)
{
	struct restart_plan	p;
	int			rc;

	if ((rc = restart_plan_build(&p, t, err, len)) == 0)
		restart_plan_free(&p);
	return (rc);
}

/* The actions that only look (or start a child) refuse before running. */
static int
stale_refuse(const struct action *a, const struct action_target *t,
    char *err, size_t len)
{
	const char	*why = a->refuse(t, 1);

	if (why == NULL)
		return (0);
	snprintf(err, len, "%s", why);
	return (-1);
}

/*
 * How each action of the registry is run. An action added to the
 * registry without a line here fails test_registry_refuses_gone: its
 * refusal of a process that is gone must be tested too.
 */
static const struct {
	const char	*name;
	int		(*run)(const struct action_target *, char *, size_t);
} stale_runs[] = {
	{ "kill", stale_kill },
	{ "nice-", stale_nice_lower },
	{ "nice+", stale_nice_raise },
	{ "affinity", stale_affinity },
	{ "ioprio", stale_ioprio },
	{ "restart", stale_restart },
	{ "profile", NULL },		/* refuse() */
	{ "strace", NULL },
	{ "files", NULL },
};

/* What the actions could change of a process, to compare. */
struct stale_seen {
	int		nice;
	int		ioprio;
	cpu_set_t	cpus;
};

static void
stale_look(pid_t pid, struct stale_seen *s)
{
	memset(s, 0, sizeof *s);
	errno = 0;
	s->nice = getpriority(PRIO_PROCESS, pid);
	assert_int_equal(errno, 0);
	s->ioprio = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, pid);
	assert_true(s->ioprio >= 0);
	assert_int_equal(sched_getaffinity(pid, sizeof s->cpus, &s->cpus), 0);
}

static int
stale_run(const struct action *a, const struct action_target *t, char *err,
    size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(stale_runs); i++) {
		if (strcmp(stale_runs[i].name, a->name) != 0)
			continue;
		err[0] = '\0';
		if (stale_runs[i].run == NULL)
			return (stale_refuse(a, t, err, len));
		return (stale_runs[i].run(t, err, len));
	}
	fail_msg("action %s is in the registry but not in stale_runs", a->name);
	return (0);
}

/*
 * Every action, on a process whose start time is not the one the user saw
 * (its PID reused): refused, saying so, and the process untouched: alive,
 * no signal, nice, I/O priority and CPUs as they were.
 */
static void
test_registry_refuses_reused(void **state)
{
	struct action_target	 t;
	struct stale_seen	 before, after;
	char			 err[512];
	size_t			 i;
	int			 status;
	pid_t			 pid = spawn_sleeper();

	target_of(&t, pid);
	t.start += 1;
	stale_look(pid, &before);
	for (i = 0; action_table[i] != NULL; i++) {
		assert_int_not_equal(stale_run(action_table[i], &t, err,
		    sizeof err), 0);
		if (strstr(err, "another process") == NULL)
			fail_msg("%s: \"%s\"", action_table[i]->name, err);
		assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
		stale_look(pid, &after);
		assert_int_equal(after.nice, before.nice);
		assert_int_equal(after.ioprio, before.ioprio);
		assert_true(CPU_EQUAL(&after.cpus, &before.cpus));
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Every action, on a process that has exited and been reaped. */
static void
test_registry_refuses_exited(void **state)
{
	struct action_target	 t;
	char			 err[512];
	size_t			 i;
	pid_t			 pid = spawn_sleeper();

	target_of(&t, pid);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; action_table[i] != NULL; i++) {
		assert_int_not_equal(stale_run(action_table[i], &t, err,
		    sizeof err), 0);
		/* Reused since, by chance: that is refused as well. */
		if (strstr(err, "exited") == NULL &&
		    strstr(err, "another process") == NULL)
			fail_msg("%s: \"%s\"", action_table[i]->name, err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_sends),
		cmocka_unit_test(test_kill_refuses_reused_pid),
		cmocka_unit_test(test_kill_exited),
		cmocka_unit_test(test_kill_thread),
		cmocka_unit_test(test_kill_not_permitted),
		cmocka_unit_test(test_second_confirm),
		cmocka_unit_test(test_signal_table),
		cmocka_unit_test(test_start_time_parses_odd_names),
		cmocka_unit_test(test_registry_refuses_reused),
		cmocka_unit_test(test_registry_refuses_exited),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
