/* Unit tests of vigil run's pure parts and of the restart plan. */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "action.h"
#include "buf.h"
#include "restart.h"
#include "sample.h"
#include "sup.h"

static int
parse(struct sup_opts *o, char *err, size_t len, ...)
{
	static char	*argv[32];	/* o->argv points into it */
	int	 argc = 0;
	va_list	 ap;

	va_start(ap, len);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	sup_opts_init(o);
	return (sup_opts_parse(o, argc, argv, err, len));
}

static void
test_backoff(void **state)
{
	assert_true(sup_backoff(1, 60, 0) == 1);
	assert_true(sup_backoff(1, 60, 1) == 2);
	assert_true(sup_backoff(1, 60, 2) == 4);
	assert_true(sup_backoff(1, 60, 5) == 32);
	assert_true(sup_backoff(1, 60, 6) == 60);	/* capped */
	assert_true(sup_backoff(1, 60, 1000) == 60);	/* no overflow */
	assert_true(sup_backoff(0.25, 0.25, 3) == 0.25);
}

static void
test_policy(void **state)
{
	int	ok = 0, fail = 3 << 8, sig = SIGKILL;

	assert_true(WIFEXITED(ok) && WIFEXITED(fail) && WIFSIGNALED(sig));
	assert_false(sup_should_restart(SUP_RESTART_NO, fail, 0, -1));
	assert_true(sup_should_restart(SUP_RESTART_ON_FAILURE, fail, 0, -1));
	assert_true(sup_should_restart(SUP_RESTART_ON_FAILURE, sig, 0, -1));
	assert_false(sup_should_restart(SUP_RESTART_ON_FAILURE, ok, 0, -1));
	assert_true(sup_should_restart(SUP_RESTART_ALWAYS, ok, 0, -1));
	/* --max-restarts 3: the third restart is the last. */
	assert_true(sup_should_restart(SUP_RESTART_ON_FAILURE, fail, 2, 3));
	assert_false(sup_should_restart(SUP_RESTART_ON_FAILURE, fail, 3, 3));
	assert_false(sup_should_restart(SUP_RESTART_ALWAYS, ok, 0, 0));
}

static void
test_parse(void **state)
{
	struct sup_opts	o;
	char		err[256];

	assert_int_equal(parse(&o, err, sizeof err, "run", "--name", "web",
	    "--restart", "always", "--max-restarts", "3", "--backoff",
	    "0.5..10", "--log", "/tmp/x.log", "--log-size", "2M",
	    "--log-keep", "2", "--", "sh", "-c", "echo --name", NULL), 0);
	assert_string_equal(o.name, "web");
	assert_int_equal(o.policy, SUP_RESTART_ALWAYS);
	assert_int_equal(o.max_restarts, 3);
	assert_true(o.backoff_min == 0.5 && o.backoff_max == 10);
	assert_string_equal(o.log, "/tmp/x.log");
	assert_int_equal(o.log_size, 2 * 1024 * 1024);
	assert_int_equal(o.log_keep, 2);
	assert_int_equal(o.argc, 3);
	assert_string_equal(o.argv[0], "sh");
	assert_string_equal(o.argv[2], "echo --name");
	sup_opts_free(&o);

	/* Options end at the command, even without "--". */
	assert_int_equal(parse(&o, err, sizeof err, "run", "ls", "--all",
	    NULL), 0);
	assert_int_equal(o.argc, 2);
	assert_int_equal(o.policy, SUP_RESTART_ON_FAILURE);
	assert_int_equal(o.max_restarts, -1);
	sup_opts_free(&o);

	assert_int_equal(parse(&o, err, sizeof err, "run", "--stop", "web",
	    NULL), 0);
	assert_int_equal(o.cmd, SUP_CMD_STOP);
	assert_string_equal(o.target, "web");
	sup_opts_free(&o);

	assert_int_equal(parse(&o, err, sizeof err, "run", "--list", NULL), 0);
	assert_int_equal(o.cmd, SUP_CMD_LIST);
	sup_opts_free(&o);
}

static void
test_parse_errors(void **state)
{
	struct sup_opts	o;
	char		err[256];

	assert_int_equal(parse(&o, err, sizeof err, "run", NULL), -1);
	assert_non_null(strstr(err, "no command"));
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--restart",
	    "sometimes", "true", NULL), -1);
	assert_non_null(strstr(err, "sometimes"));
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--backoff",
	    "5..1", "true", NULL), -1);
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--backoff",
	    "0..1", "true", NULL), -1);
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--name",
	    "../etc", "true", NULL), -1);
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--max-restarts",
	    "-1", "true", NULL), -1);
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--list", "true",
	    NULL), -1);
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--list",
	    "--stop", "x", NULL), -1);
	sup_opts_free(&o);
	assert_int_equal(parse(&o, err, sizeof err, "run", "--bogus", "true",
	    NULL), -1);
	assert_non_null(strstr(err, "--bogus"));
	sup_opts_free(&o);
}

static void
test_small_parsers(void **state)
{
	double	a, b;
	long	n;

	assert_int_equal(sup_parse_backoff("2", &a, &b), 0);
	assert_true(a == 2 && b == 2);
	assert_int_equal(sup_parse_backoff("1..", &a, &b), -1);
	assert_int_equal(sup_parse_backoff("x..2", &a, &b), -1);
	assert_int_equal(sup_parse_size("10k", &n), 0);
	assert_int_equal(n, 10240);
	assert_int_equal(sup_parse_size("1G", &n), 0);
	assert_int_equal(sup_parse_size("-1", &n), -1);
	assert_int_equal(sup_parse_size("3x", &n), -1);
	assert_true(sup_name_valid("web-1.api_x"));
	assert_false(sup_name_valid(".hidden"));
	assert_false(sup_name_valid("a/b"));
	assert_false(sup_name_valid(""));
}

static void
test_rotate_names(void **state)
{
	char	out[64];

	sup_rotate_name(out, sizeof out, "/l/app.log", 0);
	assert_string_equal(out, "/l/app.log");
	sup_rotate_name(out, sizeof out, "/l/app.log", 1);
	assert_string_equal(out, "/l/app.log.1");
	sup_rotate_name(out, sizeof out, "/l/app.log", 12);
	assert_string_equal(out, "/l/app.log.12");
}

static void
test_cgroup_unit(void **state)
{
	char	*unit;
	int	 user;

	assert_int_equal(restart_cgroup_unit(
	    "0::/system.slice/nginx.service\n", &unit, &user), 0);
	assert_string_equal(unit, "nginx.service");
	assert_false(user);
	free(unit);
	/* A user service, below the user's manager. */
	assert_int_equal(restart_cgroup_unit(
	    "0::/user.slice/user-1000.slice/user@1000.service/app.slice/syncd.service\n",
	    &unit, &user), 0);
	assert_string_equal(unit, "syncd.service");
	assert_true(user);
	free(unit);
	/* A login session and the manager itself are not restarted. */
	assert_int_equal(restart_cgroup_unit(
	    "0::/user.slice/user-1000.slice/session-3.scope\n", &unit, &user),
	    -1);
	assert_int_equal(restart_cgroup_unit(
	    "0::/user.slice/user-1000.slice/user@1000.service/init.scope\n",
	    &unit, &user), -1);
	assert_int_equal(restart_cgroup_unit("0::/\n", &unit, &user), -1);
	/* cgroup v1, by the name=systemd hierarchy. */
	assert_int_equal(restart_cgroup_unit(
	    "4:memory:/x\n1:name=systemd:/system.slice/cron.service\n",
	    &unit, &user), 0);
	assert_string_equal(unit, "cron.service");
	free(unit);
}

static void
test_quote_argv(void **state)
{
	char		*argv[] = { "/bin/sh", "-c", "echo 'hi' $X", "",
			    "a\033[2Jb", NULL };
	struct buf	 b = BUF_INITIALIZER;

	restart_quote_argv(argv, 5, &b);
	assert_string_equal(buf_str(&b),
	    "/bin/sh -c 'echo '\\''hi'\\'' $X' '' 'a\\x1b[2Jb'");
	buf_free(&b);
}

static pid_t
spawn(void)
{
	pid_t	pid = fork();

	if (pid == 0) {
		if (chdir("/") != 0)
			_exit(126);
		execle("/bin/sleep", "sleep-for-test", "100", (char *)NULL,
		    (char *[]){ "VIGIL_TEST_VAR=yes", NULL });
		_exit(127);
	}
	assert_true(pid > 0);
	/* Until the exec has happened. */
	for (;;) {
		char	buf[64] = "";
		FILE	*f;
		char	 path[64];

		snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(buf, sizeof buf, f) == NULL)
				buf[0] = '\0';
			fclose(f);
		}
		if (strcmp(buf, "sleep-for-test") == 0)
			break;
		usleep(10000);
	}
	return (pid);
}

static void
test_plan(void **state)
{
	struct restart_plan	p;
	struct action_target	t;
	char			why[512];
	pid_t			pid = spawn();

	memset(&t, 0, sizeof t);
	t.pid = pid;
	assert_int_equal(sample_start_time(pid, &t.start), 0);
	snprintf(t.comm, sizeof t.comm, "sleep");
	assert_int_equal(restart_plan_build(&p, &t, why, sizeof why), 0);
	assert_int_equal(p.kind, RESTART_INPLACE);
	assert_int_equal(p.argc, 2);
	assert_string_equal(p.argv[0], "sleep-for-test");
	assert_string_equal(p.argv[1], "100");
	assert_null(p.argv[2]);
	assert_string_equal(p.exe, "/usr/bin/sleep");
	assert_string_equal(p.cwd, "/");
	assert_int_equal(p.nenv, 1);
	assert_string_equal(p.env[0], "VIGIL_TEST_VAR=yes");
	assert_int_equal(p.uid, getuid());
	restart_plan_free(&p);

	/* A start time that is not the process's: a reused PID. */
	t.start++;
	assert_int_equal(restart_plan_build(&p, &t, why, sizeof why), -1);
	assert_non_null(strstr(why, "is now another process"));
	restart_plan_free(&p);

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t.start--;
	assert_int_equal(restart_plan_build(&p, &t, why, sizeof why), -1);
	assert_non_null(strstr(why, "exited"));
	restart_plan_free(&p);
}

static void
test_plan_refusals(void **state)
{
	struct restart_plan	p;
	struct action_target	t;
	char			why[512];

	memset(&t, 0, sizeof t);
	t.pid = 1;
	snprintf(t.comm, sizeof t.comm, "init");
	assert_int_equal(restart_plan_build(&p, &t, why, sizeof why), -1);
	assert_non_null(strstr(why, "PID 1"));
	restart_plan_free(&p);
	t.pid = getpid();
	assert_int_equal(restart_plan_build(&p, &t, why, sizeof why), -1);
	assert_non_null(strstr(why, "vigil itself"));
	restart_plan_free(&p);
	/* kthreadd, where this namespace shows it. */
	t.pid = 2;
	if (sample_start_time(2, &t.start) == 0) {
		FILE	*f = fopen("/proc/2/comm", "r");
		char	 comm[32] = "";

		if (f != NULL) {
			if (fgets(comm, sizeof comm, f) == NULL)
				comm[0] = '\0';
			fclose(f);
		}
		if (strcmp(comm, "kthreadd\n") == 0) {
			assert_int_equal(restart_plan_build(&p, &t, why,
			    sizeof why), -1);
			assert_non_null(strstr(why, "kernel thread"));
			restart_plan_free(&p);
		}
	}
	/* Not root: another user's process is refused, saying why. */
	if (geteuid() == 0) {
		pid_t	pid;
		int	status;

		t.pid = getpid();
		assert_int_equal(sample_start_time(t.pid, &t.start), 0);
		if ((pid = fork()) == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			_exit(restart_plan_build(&p, &t, why, sizeof why) == -1 &&
			    strstr(why, "only root may restart another user's process") != NULL ?
			    0 : 1);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_null(action_restart.refuse(&t, 1));
	assert_non_null(action_restart.refuse(&t, 0));
	assert_non_null(action_restart.refuse(&t, 2));
	assert_ptr_equal(action_find('R'), &action_restart);
}

/* The socket's requests: a line, cut at CR, LF or NUL; a PID is digits. */
static void
test_parse_request(void **state)
{
	static const struct {
		const char		*in;
		size_t			 len;
		enum sup_req_kind	 kind;
		int			 pid;
	} t[] = {
		{ "status\n", 7, SUP_REQ_STATUS, 0 },
		{ "status\r\n", 8, SUP_REQ_STATUS, 0 },
		{ "status", 6, SUP_REQ_STATUS, 0 },
		{ "stop\0junk", 9, SUP_REQ_STOP, 0 },
		{ "stop\njunk", 9, SUP_REQ_STOP, 0 },
		{ "restart\n", 8, SUP_REQ_RESTART, 0 },
		{ "restart 4242\n", 13, SUP_REQ_RESTART, 4242 },
		{ "restart 2147483647", 18, SUP_REQ_RESTART, 2147483647 },
		{ "restart 2147483648", 18, SUP_REQ_BAD_PID, 0 },
		{ "restart 0", 9, SUP_REQ_BAD_PID, 0 },
		{ "restart -1", 10, SUP_REQ_BAD_PID, 0 },
		{ "restart +5", 10, SUP_REQ_BAD_PID, 0 },
		{ "restart  5", 10, SUP_REQ_BAD_PID, 0 },
		{ "restart 5 ", 10, SUP_REQ_BAD_PID, 0 },
		{ "restart 5x", 10, SUP_REQ_BAD_PID, 0 },
		{ "restart ", 8, SUP_REQ_BAD_PID, 0 },
		{ "restart 99999999999999999999", 28, SUP_REQ_BAD_PID, 0 },
		{ "restartx", 8, SUP_REQ_UNKNOWN, 0 },
		{ "Status", 6, SUP_REQ_UNKNOWN, 0 },
		{ "stat", 4, SUP_REQ_UNKNOWN, 0 },
		{ "", 0, SUP_REQ_UNKNOWN, 0 },
		{ "\n", 1, SUP_REQ_UNKNOWN, 0 },
		/* Only the bytes read count, NUL or not after them. */
		{ "stopped", 4, SUP_REQ_STOP, 0 },
	};
	struct sup_req	r;
	char		long_req[200];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		sup_parse_request(t[i].in, t[i].len, &r);
		if (r.kind != t[i].kind || r.pid != t[i].pid)
			fail_msg("'%s': kind %d pid %d", t[i].in, r.kind,
			    r.pid);
	}
	memset(long_req, ' ', sizeof long_req);
	memcpy(long_req, "restart 1", 9);
	sup_parse_request(long_req, sizeof long_req, &r);
	assert_int_equal(r.kind, SUP_REQ_BAD_PID);
	memcpy(long_req, "status", 6);
	sup_parse_request(long_req, sizeof long_req, &r);
	assert_int_equal(r.kind, SUP_REQ_UNKNOWN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_small_parsers),
		cmocka_unit_test(test_rotate_names),
		cmocka_unit_test(test_cgroup_unit),
		cmocka_unit_test(test_quote_argv),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_refusals),
		cmocka_unit_test(test_parse_request),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
