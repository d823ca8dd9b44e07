/* Unit tests of the detail reader: cgroup and limits parsers, live /proc. */

#include "vigil.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "detail.h"
#include "file.h"

#define SLEEP		"/bin/sleep"
#define NOBODY		65534

/* A real /proc/self/limits (Linux 6.18), trailing blanks and all. */
static const char limits_text[] =
    "Limit                     Soft Limit           Hard Limit           Units     \n"
    "Max cpu time              unlimited            unlimited            seconds   \n"
    "Max file size             unlimited            unlimited            bytes     \n"
    "Max data size             unlimited            unlimited            bytes     \n"
    "Max stack size            8388608              unlimited            bytes     \n"
    "Max core file size        0                    unlimited            bytes     \n"
    "Max resident set          unlimited            unlimited            bytes     \n"
    "Max processes             96365                96365                processes \n"
    "Max open files            20000                20000                files     \n"
    "Max locked memory         8388608              8388608              bytes     \n"
    "Max address space         unlimited            unlimited            bytes     \n"
    "Max file locks            unlimited            unlimited            locks     \n"
    "Max pending signals       96365                96365                signals   \n"
    "Max msgqueue size         819200               819200               bytes     \n"
    "Max nice priority         0                    0                    \n"
    "Max realtime priority     0                    0                    \n"
    "Max realtime timeout      unlimited            unlimited            us        \n";

static void
check_cgroup(const char *text, const char *want_path, const char *want_unit)
{
	char	*path, *unit;

	assert_int_equal(detail_parse_cgroup(text, &path, &unit), 0);
	assert_non_null(path);
	assert_string_equal(path, want_path);
	if (want_unit == NULL)
		assert_null(unit);
	else {
		assert_non_null(unit);
		assert_string_equal(unit, want_unit);
	}
	free(path);
	free(unit);
}

static void
test_cgroup_v2(void **state)
{
	check_cgroup("0::/user.slice/user-1000.slice/session-3.scope\n",
	    "/user.slice/user-1000.slice/session-3.scope", "session-3.scope");
	check_cgroup("0::/system.slice/ssh.service",
	    "/system.slice/ssh.service", "ssh.service");
	/* The path is everything after the second colon. */
	check_cgroup("0::/odd:name.service\n", "/odd:name.service",
	    "odd:name.service");
}

/* Hybrid: v1 hierarchies plus the unified one; the v2 line wins. */
static void
test_cgroup_hybrid(void **state)
{
	check_cgroup(
	    "12:cpuset:/\n"
	    "11:memory:/system.slice/cron.service\n"
	    "1:name=systemd:/system.slice/cron.service\n"
	    "0::/system.slice/ssh.service\n",
	    "/system.slice/ssh.service", "ssh.service");
	/* As on this machine: the unified hierarchy at its root. */
	check_cgroup(
	    "9:name=systemd:/\n"
	    "4:memory:/process_api/bcb8169180a9749c8dc1ecdb1fd0cb7b\n"
	    "1:cpu:/\n"
	    "0::/\n",
	    "/", NULL);
}

static void
test_cgroup_v1(void **state)
{
	/* name=systemd wins over the lines before it. */
	check_cgroup(
	    "12:cpuset:/\n"
	    "11:memory:/system.slice/cron.service\n"
	    "3:cpu,cpuacct:/other.slice\n"
	    "1:name=systemd:/system.slice/ssh.service\n",
	    "/system.slice/ssh.service", "ssh.service");
	/* Without it, the first line. */
	check_cgroup(
	    "4:memory:/docker/abc\n"
	    "3:cpu,cpuacct:/system.slice/docker.service\n",
	    "/docker/abc", NULL);
}

static void
test_cgroup_units(void **state)
{
	static const struct {
		const char	*path;
		const char	*unit;
	} cases[] = {
		{ "/system.slice/ssh.service", "ssh.service" },
		{ "/user.slice/user-1000.slice/session-3.scope",
		  "session-3.scope" },
		{ "/user.slice/user-1000.slice/user@1000.service/app.slice/"
		  "foo.service", "foo.service" },
		{ "/user.slice/user-1000.slice/user@1000.service/app.slice",
		  "user@1000.service" },
		{ "/system.slice/docker.service/payload", "docker.service" },
		{ "/", NULL },
		{ "/system.slice", "system.slice" },
		{ "/system.slice/", "system.slice" },
		{ "/system.slice/home.mount", "home.mount" },
		{ "/system.slice/dbus.socket", "dbus.socket" },
		{ "/system.slice/.service", "system.slice" },
		{ "/machine/qemu-1", NULL },
	};
	char	text[256];
	size_t	i;

	for (i = 0; i < nitems(cases); i++) {
		snprintf(text, sizeof text, "0::%s\n", cases[i].path);
		check_cgroup(text, cases[i].path, cases[i].unit);
	}
}

static void
test_cgroup_garbage(void **state)
{
	static const char *bad[] = {
		"", "\n", "garbage", "garbage\nmore\n", "x:y", "0::", "0::\n",
		"0::relative\n", "a:cpu:/x\n", ":cpu:/x\n", "1:cpu\n",
	};
	char	*path, *unit;
	size_t	 i;

	for (i = 0; i < nitems(bad); i++) {
		path = unit = (char *)"set";
		assert_int_equal(detail_parse_cgroup(bad[i], &path, &unit), -1);
		assert_null(path);
		assert_null(unit);
	}
	/* A bad line among good ones is skipped. */
	check_cgroup("garbage\n0::/a.scope\n", "/a.scope", "a.scope");
}

static const struct detail_limit *
find_limit(const struct detail_limit *l, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(l[i].name, name) == 0)
			return (&l[i]);
	}
	return (NULL);
}

static void
test_limits_kernel(void **state)
{
	struct detail_limit		*l;
	const struct detail_limit	*x;
	size_t				 n;

	assert_int_equal(detail_parse_limits(limits_text, &l, &n), 0);
	assert_int_equal(n, 16);

	assert_string_equal(l[0].name, "Max cpu time");
	assert_string_equal(l[0].soft, "unlimited");
	assert_string_equal(l[0].hard, "unlimited");
	assert_string_equal(l[0].units, "seconds");

	assert_non_null(x = find_limit(l, n, "Max open files"));
	assert_string_equal(x->soft, "20000");
	assert_string_equal(x->hard, "20000");
	assert_string_equal(x->units, "files");

	assert_non_null(x = find_limit(l, n, "Max stack size"));
	assert_string_equal(x->soft, "8388608");
	assert_string_equal(x->hard, "unlimited");
	assert_string_equal(x->units, "bytes");

	assert_non_null(x = find_limit(l, n, "Max nice priority"));
	assert_string_equal(x->units, "");

	assert_string_equal(l[15].name, "Max realtime timeout");
	assert_string_equal(l[15].units, "us");
	assert_null(find_limit(l, n, "Limit"));
	free(l);
}

static void
test_limits_no_units(void **state)
{
	struct detail_limit	*l;
	size_t			 n;

	assert_int_equal(detail_parse_limits(
	    "Max nice priority         0                    0                    ",
	    &l, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(l[0].name, "Max nice priority");
	assert_string_equal(l[0].soft, "0");
	assert_string_equal(l[0].hard, "0");
	assert_string_equal(l[0].units, "");
	free(l);
}

/* Odd spacing, tabs, overlong fields and lines that do not parse. */
static void
test_limits_robust(void **state)
{
	struct detail_limit	*l, dummy;
	size_t			 n;

	assert_int_equal(detail_parse_limits(
	    "Max open files  1024 4096 files\n"
	    "\n"
	    "Max nothing\n"
	    "Max one value    7\n"
	    "Max tabbed\t5\t6\tbig units\n"
	    "A name far longer than thirty-one bytes  "
	    "123456789012345678901234567890 1 "
	    "unitsthataremuchtoolong\n", &l, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(l[0].name, "Max open files");
	assert_string_equal(l[0].soft, "1024");
	assert_string_equal(l[0].hard, "4096");
	assert_string_equal(l[0].units, "files");
	assert_string_equal(l[1].name, "Max tabbed");
	assert_string_equal(l[1].soft, "5");
	assert_string_equal(l[1].hard, "6");
	assert_string_equal(l[1].units, "big units");
	assert_string_equal(l[2].name, "A name far longer than thirty-o");
	assert_string_equal(l[2].soft, "12345678901234567890123");
	assert_string_equal(l[2].hard, "1");
	assert_string_equal(l[2].units, "unitsthataremuc");
	free(l);

	l = &dummy;
	n = 99;
	assert_int_equal(detail_parse_limits("", &l, &n), -1);
	assert_null(l);
	assert_int_equal(n, 0);
	assert_int_equal(detail_parse_limits(
	    "Limit                     Soft Limit           Hard Limit\n",
	    &l, &n), -1);
	assert_int_equal(detail_parse_limits("nonsense\n", &l, &n), -1);
}

static void
test_file_read_all(void **state)
{
	char	 path[] = "/tmp/vigil-test-detail-XXXXXX", *data, *want;
	size_t	 len = 200000, i;
	int	 fd;

	want = malloc(len);
	assert_non_null(want);
	for (i = 0; i < len; i++)
		want[i] = (i % 7 == 0) ? '\0' : 'a' + i % 26;
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, want, len), (ssize_t)len);
	close(fd);

	assert_int_equal(file_read_all(path, &data), (ssize_t)len);
	assert_memory_equal(data, want, len);
	assert_int_equal(data[len], '\0');
	free(data);

	unlink(path);
	data = want;
	errno = 0;
	assert_int_equal(file_read_all(path, &data), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(data);
	free(want);

	/* /proc files report size 0: the length comes from reading. */
	assert_true(file_read_all("/proc/self/limits", &data) > 0);
	assert_non_null(strstr(data, "Max open files"));
	free(data);
}

static void
test_read_self(void **state)
{
	struct proc_detail		 d;
	const struct detail_limit	*x;
	struct rlimit			 rl;
	char				 exe[PATH_MAX], cwd[PATH_MAX];
	char				 want[32];

	assert_non_null(realpath("/proc/self/exe", exe));
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(detail_read(getpid(), 0, &d), 0);

	assert_int_equal(d.pid, getpid());
	assert_non_null(d.exe);
	assert_string_equal(d.exe, exe);
	assert_int_equal(d.exe_deleted, 0);
	assert_non_null(d.cwd);
	assert_string_equal(d.cwd, cwd);
	assert_true(d.nfds >= 3);
	assert_non_null(d.cgroup);
	assert_int_equal(d.cgroup[0], '/');

	/* The limits are ours: compare with getrlimit(2). */
	assert_int_equal(d.limits_errno, 0);
	assert_true(d.nlimits >= 16);
	assert_non_null(x = find_limit(d.limits, d.nlimits, "Max open files"));
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(want, sizeof want, "unlimited");
	else
		snprintf(want, sizeof want, "%llu",
		    (unsigned long long)rl.rlim_cur);
	assert_string_equal(x->soft, want);

	/* No environment unless asked. */
	assert_null(d.env);
	assert_int_equal(d.nenv, 0);
	assert_int_equal(d.env_errno, 0);

	detail_free(&d);
	assert_null(d.exe);
	assert_null(d.cwd);
	assert_null(d.limits);
	assert_int_equal(d.nlimits, 0);
	assert_int_equal(d.pid, 0);
	detail_free(&d);		/* twice is harmless */
	detail_free(NULL);
}

#define CWD_DEPTH	8
#define CWD_COMP	"dddddddddddddddddddddddddddddddddddddddddddddddddd" \
			"dddddddddddddddddddddddddddddddddddddddddddddddddd"

/* Removes base/COMP/COMP/… from the innermost out. */
static void
rm_deep(const char *base, int depth)
{
	char	path[PATH_MAX];
	int	i, j;

	for (i = depth; i > 0; i--) {
		snprintf(path, sizeof path, "%s", base);
		for (j = 0; j < i; j++)
			strcat(path, "/" CWD_COMP);
		rmdir(path);
	}
	rmdir(base);
}

/* A link target longer than any first guess at its length. */
static void
test_read_long_cwd(void **state)
{
	struct proc_detail	d;
	char			base[] = "/tmp/vigil-test-cwd-XXXXXX";
	char			want[PATH_MAX];
	int			here, i, rc;

	assert_true((here = open(".", O_RDONLY | O_DIRECTORY)) != -1);
	assert_non_null(mkdtemp(base));
	assert_int_equal(chdir(base), 0);
	for (i = 0; i < CWD_DEPTH; i++) {
		if (mkdir(CWD_COMP, 0700) != 0 || chdir(CWD_COMP) != 0)
			break;
	}
	if (getcwd(want, sizeof want) == NULL)
		want[0] = '\0';
	rc = detail_read(getpid(), 0, &d);
	/* Back home and tidy before anything can fail. */
	assert_int_equal(fchdir(here), 0);
	close(here);
	rm_deep(base, CWD_DEPTH);

	assert_int_equal(rc, 0);
	assert_true(strlen(want) > 800);
	assert_non_null(d.cwd);
	assert_string_equal(d.cwd, want);
	detail_free(&d);
}

/* Counts our open descriptors without opening any. */
static int
count_own_fds(void)
{
	int	fd, max = (int)sysconf(_SC_OPEN_MAX), n = 0;

	for (fd = 0; fd < max; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			n++;
	}
	return (n);
}

static void
test_read_self_fds(void **state)
{
	struct proc_detail	d;
	int			a, b, own_a, own_b, fd1, fd2;

	own_a = count_own_fds();
	assert_int_equal(detail_read(getpid(), 0, &d), 0);
	a = d.nfds;
	detail_free(&d);

	assert_true((fd1 = open("/dev/null", O_RDONLY)) != -1);
	assert_true((fd2 = dup(fd1)) != -1);
	own_b = count_own_fds();
	assert_int_equal(detail_read(getpid(), 0, &d), 0);
	b = d.nfds;
	detail_free(&d);
	close(fd1);
	close(fd2);

	assert_int_equal(own_b, own_a + 2);
	assert_int_equal(b, a + 2);
	/* Everything we hold, plus at most what detail_read holds. */
	assert_true(b >= own_b && b <= own_b + 2);
}

/* Waits for a pipe's EOF: the child exec'd (or closed it). 0 if EOF. */
static int
wait_eof(int rfd)
{
	char	c;
	ssize_t	n;

	while ((n = read(rfd, &c, 1)) == -1 && errno == EINTR)
		;
	close(rfd);
	return (n == 0 ? 0 : -1);
}

/*
 * The close-on-exec pipe reaches EOF before the kernel has filled the new
 * program's stack: wait for env_end (field 51 of stat) to be set.
 */
static int
wait_exec_env(pid_t pid)
{
	struct timespec	 ts = { 0, 1000000 };
	char		 path[64], text[2048], *p;
	int		 tries, field;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	for (tries = 0; tries < 5000; tries++) {
		if (file_read(path, text, sizeof text) < 0)
			return (-1);
		if ((p = strrchr(text, ')')) == NULL)
			return (-1);
		for (field = 2; field < 51 && p != NULL; field++)
			p = strchr(p + 1, ' ');
		if (p != NULL && strtoull(p + 1, NULL, 10) != 0)
			return (0);
		nanosleep(&ts, NULL);
	}
	return (-1);
}

/* Starts path ("sleep 60") with env; returns once it runs the program. */
static pid_t
spawn(const char *path, char *const env[])
{
	char *const	argv[] = { (char *)"sleep", (char *)"60", NULL };
	int		p[2];
	pid_t		pid;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		close(p[0]);
		execve(path, argv, env);
		(void)write(p[1], "x", 1);
		_exit(127);
	}
	close(p[1]);
	if (wait_eof(p[0]) != 0 || wait_exec_env(pid) != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail_msg("cannot start %s", path);
	}
	return (pid);
}

static void
reap(pid_t pid)
{
	int	status;

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void
test_read_child_env(void **state)
{
	char *const		 env[] = { (char *)"VIGIL_TEST_MARK=42",
				     (char *)"OTHER=a b", NULL };
	struct proc_detail	 d;
	char			 exe[PATH_MAX], cwd[PATH_MAX];
	pid_t			 pid;

	assert_non_null(realpath(SLEEP, exe));
	assert_non_null(getcwd(cwd, sizeof cwd));
	pid = spawn(SLEEP, env);

	assert_int_equal(detail_read(pid, DETAIL_ENV, &d), 0);
	assert_int_equal(d.pid, pid);
	assert_int_equal(d.env_errno, 0);
	assert_int_equal(d.nenv, 2);
	assert_string_equal(d.env[0], "VIGIL_TEST_MARK=42");
	assert_string_equal(d.env[1], "OTHER=a b");
	assert_non_null(d.exe);
	assert_string_equal(d.exe, exe);
	assert_string_equal(d.cwd, cwd);
	detail_free(&d);

	assert_int_equal(detail_read(pid, 0, &d), 0);
	assert_null(d.env);
	assert_int_equal(d.nenv, 0);
	detail_free(&d);
	reap(pid);
}

/* Counts another process's descriptors by listing /proc/PID/fd. */
static int
count_fds_of(pid_t pid)
{
	struct dirent	*de;
	char		 path[64];
	DIR		*dir;
	int		 n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	if ((dir = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] != '.')
			n++;
	}
	closedir(dir);
	return (n);
}

/*
 * A child with exactly five descriptors: /dev/null on 0, 1, 2 and two more.
 * It holds nothing else once it closes the pipe's write end.
 */
static void
test_read_child_fds(void **state)
{
	struct proc_detail	d;
	int			p[2], null, w;
	pid_t			pid;

	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		/* Out of the way of 0-4, even if we started without 0-2. */
		if ((w = fcntl(p[1], F_DUPFD, 10)) == -1)
			_exit(1);
		if ((null = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
		    dup2(null, 2) == -1)
			_exit(1);
		close_range(3, w - 1, 0);
		close_range(w + 1, ~0U, 0);
		if (open("/dev/null", O_RDONLY) == -1 ||
		    open("/dev/null", O_RDONLY) == -1)
			_exit(1);
		close(w);
		for (;;)
			pause();
	}
	close(p[1]);
	if (wait_eof(p[0]) != 0)
		fail_msg("child did not start");

	assert_int_equal(count_fds_of(pid), 5);
	assert_int_equal(detail_read(pid, 0, &d), 0);
	assert_int_equal(d.fds_errno, 0);
	assert_int_equal(d.nfds, 5);
	detail_free(&d);
	reap(pid);
}

static void
test_read_reaped(void **state)
{
	struct proc_detail	d;
	pid_t			pid;

	assert_true((pid = fork()) != -1);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);

	memset(&d, 0xa5, sizeof d);
	errno = 0;
	assert_int_equal(detail_read(pid, DETAIL_ENV, &d), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(d.pid, pid);
	assert_null(d.exe);
	assert_null(d.env);
	detail_free(&d);

	assert_int_equal(detail_read(0, 0, &d), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(detail_read(-1, 0, &d), -1);
	assert_int_equal(errno, ESRCH);
}

/* A zombie still has /proc/PID: the call succeeds, the pieces say why not. */
static void
test_read_zombie(void **state)
{
	struct proc_detail	d;
	siginfo_t		si;
	pid_t			pid;

	assert_true((pid = fork()) != -1);
	if (pid == 0)
		_exit(0);
	/* Wait for the exit but leave the zombie. */
	assert_int_equal(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);

	assert_int_equal(detail_read(pid, DETAIL_ENV, &d), 0);
	assert_null(d.exe);
	assert_int_equal(d.exe_errno, ENOENT);
	assert_null(d.cwd);
	assert_int_equal(d.cwd_errno, ENOENT);
	assert_non_null(d.limits);
	detail_free(&d);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

static void
test_read_deleted_exe(void **state)
{
	struct proc_detail	 d;
	char			 dir[PATH_MAX], path[PATH_MAX + 32];
	char			*data;
	char *const		 env[] = { NULL };
	ssize_t			 len;
	pid_t			 pid;
	int			 fd;

	assert_non_null(realpath("/tmp", dir));
	snprintf(path, sizeof path, "%s/vigil-test-exe-XXXXXX", dir);
	assert_true((len = file_read_all(SLEEP, &data)) > 0);
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, data, len), len);
	free(data);
	assert_int_equal(fchmod(fd, 0700), 0);
	/* Closed before fork, or exec fails with ETXTBSY. */
	assert_int_equal(close(fd), 0);

	pid = spawn(path, env);
	assert_int_equal(detail_read(pid, 0, &d), 0);
	assert_non_null(d.exe);
	assert_string_equal(d.exe, path);
	assert_int_equal(d.exe_deleted, 0);
	detail_free(&d);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(detail_read(pid, 0, &d), 0);
	assert_non_null(d.exe);
	assert_string_equal(d.exe, path);
	assert_int_equal(d.exe_deleted, 1);
	detail_free(&d);
	reap(pid);
}

/*
 * Another user's process, as that other user: most pieces are EACCES, the
 * world-readable ones (limits, cgroup) are still there, the call succeeds.
 * Needs root to become someone else.
 */
static void
test_read_other_user(void **state)
{
	char *const		env[] = { (char *)"VIGIL_TEST_MARK=42",
				    NULL };
	struct proc_detail	d;
	pid_t			target, pid;
	int			status, bad;

	if (geteuid() != 0)
		skip();
	target = spawn(SLEEP, env);
	assert_true((pid = fork()) != -1);
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 ||
		    setuid(NOBODY) != 0)
			_exit(100);
		bad = 0;
		if (detail_read(target, DETAIL_ENV, &d) != 0)
			bad |= 1;
		if (d.exe != NULL || d.exe_errno != EACCES)
			bad |= 2;
		if (d.cwd != NULL || d.cwd_errno != EACCES)
			bad |= 4;
		if (d.nfds != -1 || d.fds_errno != EACCES)
			bad |= 8;
		if (d.env != NULL || d.env_errno != EACCES)
			bad |= 16;
		if (d.limits == NULL || d.cgroup == NULL)
			bad |= 32;
		detail_free(&d);
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	reap(target);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_v2),
		cmocka_unit_test(test_cgroup_hybrid),
		cmocka_unit_test(test_cgroup_v1),
		cmocka_unit_test(test_cgroup_units),
		cmocka_unit_test(test_cgroup_garbage),
		cmocka_unit_test(test_limits_kernel),
		cmocka_unit_test(test_limits_no_units),
		cmocka_unit_test(test_limits_robust),
		cmocka_unit_test(test_file_read_all),
		cmocka_unit_test(test_read_self),
		cmocka_unit_test(test_read_long_cwd),
		cmocka_unit_test(test_read_self_fds),
		cmocka_unit_test(test_read_child_env),
		cmocka_unit_test(test_read_child_fds),
		cmocka_unit_test(test_read_reaped),
		cmocka_unit_test(test_read_zombie),
		cmocka_unit_test(test_read_deleted_exe),
		cmocka_unit_test(test_read_other_user),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
