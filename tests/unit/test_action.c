/* Unit tests of the kill action: pidfd, start-time check, plain errors. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_sends),
		cmocka_unit_test(test_kill_refuses_reused_pid),
		cmocka_unit_test(test_kill_exited),
		cmocka_unit_test(test_kill_not_permitted),
		cmocka_unit_test(test_second_confirm),
		cmocka_unit_test(test_signal_table),
		cmocka_unit_test(test_start_time_parses_odd_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
