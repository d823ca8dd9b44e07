/*
 * Unit tests of the scheduling actions (renice, CPU affinity, I/O
 * priority) on a real child with threads, each thread read back from
 * /proc; a reused PID, an exited process and a missing capability; and
 * the CPU-list syntax and I/O priority names they print.
 */

#include "vigil.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <linux/ioprio.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "cpulist.h"
#include "file.h"
#include "fmt.h"
#include "procaccess.h"
#include "sample.h"

#define NTHREADS	3	/* the child's main thread and two more */

static void *
idle_thread(void *arg)
{
	for (;;)
		pause();
	return (arg);
}

static int
count_tasks(pid_t pid)
{
	char		 path[64];
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	snprintf(path, sizeof path, "/proc/%d/task", pid);
	if ((d = opendir(path)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return (n);
}

/* A child of NTHREADS threads that wait; returns once they all exist. */
static pid_t
spawn_threads(void)
{
	struct timespec	ts = { 0, 10000000 };
	pthread_t	th;
	pid_t		pid = fork();
	int		i;

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (i = 1; i < NTHREADS; i++)
			if (pthread_create(&th, NULL, idle_thread, NULL) != 0)
				_exit(1);
		idle_thread(NULL);
	}
	assert_true(pid > 0);
	for (i = 0; i < 500 && count_tasks(pid) != NTHREADS; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(count_tasks(pid), NTHREADS);
	return (pid);
}

static void
end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
target_of(struct action_target *t, pid_t pid)
{
	memset(t, 0, sizeof *t);
	t->pid = pid;
	assert_int_equal(sample_start_time(pid, &t->start), 0);
	snprintf(t->comm, sizeof t->comm, "test_sched");
}

/* The TIDs of pid, up to max; returns how many. */
static int
tids_of(pid_t pid, int *tids, int max)
{
	char		 path[64];
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	snprintf(path, sizeof path, "/proc/%d/task", pid);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] != '.')
			tids[n++] = atoi(de->d_name);
	}
	closedir(d);
	return (n);
}

/* Field 19 of /proc/PID/task/TID/stat, as ps and top read it. */
static int
stat_nice(pid_t pid, int tid)
{
	char		 path[96], text[1024], *p;
	int		 field;

	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
	assert_true(file_read(path, text, sizeof text) > 0);
	assert_non_null(p = strrchr(text, ')'));
	for (field = 2; field < 19; field++)
		assert_non_null(p = strchr(p + 1, ' '));
	return (atoi(p + 1));
}

static void
status_cpus(pid_t pid, int tid, char *out, size_t len)
{
	char	path[96], text[4096];

	snprintf(path, sizeof path, "/proc/%d/task/%d/status", pid, tid);
	assert_true(file_read(path, text, sizeof text) > 0);
	assert_int_equal(proc_status_field(text, "Cpus_allowed_list", out,
	    len), 0);
}

static int
tid_ioprio(int tid)
{
	return (syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, tid));
}

static void
test_cpulist_parse(void **state)
{
	cpu_set_t	set;
	char		out[64];

	assert_int_equal(cpulist_parse("0-3,8,10-11\n", &set, sizeof set), 0);
	assert_int_equal(CPU_COUNT(&set), 7);
	assert_true(CPU_ISSET(3, &set) && CPU_ISSET(8, &set) &&
	    !CPU_ISSET(9, &set) && CPU_ISSET(11, &set));
	assert_string_equal(cpulist_format(out, sizeof out, &set, sizeof set),
	    "0-3,8,10-11");
	assert_int_equal(cpulist_parse("1", &set, sizeof set), 0);
	assert_string_equal(cpulist_format(out, sizeof out, &set, sizeof set),
	    "1");
	assert_int_equal(cpulist_parse("0-6:2", &set, sizeof set), 0);
	assert_string_equal(cpulist_format(out, sizeof out, &set, sizeof set),
	    "0,2,4,6");
	assert_int_equal(cpulist_parse("", &set, sizeof set), 0);
	assert_int_equal(CPU_COUNT(&set), 0);
	assert_string_equal(cpulist_format(out, sizeof out, &set, sizeof set),
	    "");
	assert_int_equal(cpulist_parse(" 5 , 7-8", &set, sizeof set), 0);
	assert_string_equal(cpulist_format(out, sizeof out, &set, sizeof set),
	    "5,7-8");
}

static void
test_cpulist_bad(void **state)
{
	static const char	*bad[] = { "a", "3-1", "1-", "-1", "1,,2",
				    "1;2", "0-3:0", "99999", "1 2" };
	cpu_set_t		 set;
	size_t			 i;

	for (i = 0; i < nitems(bad); i++) {
		errno = 0;
		assert_int_equal(cpulist_parse(bad[i], &set, sizeof set), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void
test_cpulist_format_truncates(void **state)
{
	cpu_set_t	set;
	char		out[8];

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CPU_SET(2, &set);
	CPU_SET(100, &set);
	CPU_SET(1000, &set);
	cpulist_format(out, sizeof out, &set, sizeof set);
	assert_string_equal(out, "0,2,100");
}

static void
test_cpulist_online(void **state)
{
	cpu_set_t	*set;
	size_t		 size;
	int		 n;

	set = cpulist_alloc(&size);
	assert_true(size >= sizeof(cpu_set_t));
	n = cpulist_online(set, size);
	assert_true(n >= 1);
	assert_int_equal(n, sysconf(_SC_NPROCESSORS_ONLN));
	free(set);
}

static void
test_fmt_ioprio(void **state)
{
	char	out[32];

	assert_string_equal(fmt_ioprio(out, sizeof out, 0), "none");
	assert_string_equal(fmt_ioprio(out, sizeof out,
	    action_ioprio_value(IOPRIO_CLASS_BE, 4)), "best-effort 4");
	assert_string_equal(fmt_ioprio(out, sizeof out,
	    action_ioprio_value(IOPRIO_CLASS_RT, 0)), "realtime 0");
	assert_string_equal(fmt_ioprio(out, sizeof out,
	    action_ioprio_value(IOPRIO_CLASS_IDLE, 7)), "idle");
	/* Idle and none take no level. */
	assert_int_equal(action_ioprio_value(IOPRIO_CLASS_IDLE, 7),
	    IOPRIO_CLASS_IDLE << 13);
	assert_int_equal(action_ioprio_value(IOPRIO_CLASS_NONE, 3), 0);
}

static void
test_registry(void **state)
{
	assert_ptr_equal(action_find(']'), &action_nice_lower);
	assert_ptr_equal(action_find('['), &action_nice_raise);
	assert_ptr_equal(action_find('a'), &action_affinity);
	assert_ptr_equal(action_find('o'), &action_ioprio);
	assert_int_equal(action_nice_lower.fkey, 7);
	assert_int_equal(action_nice_raise.fkey, 8);
	assert_non_null(action_affinity.refuse(NULL, 0));
}

/* Every thread gets the main thread's nice plus the step. */
static void
test_renice_every_thread(void **state)
{
	struct action_target	t;
	struct action_sched	r;
	char			err[512];
	int			tids[8], n, i;
	pid_t			pid = spawn_threads();

	target_of(&t, pid);
	assert_int_equal(action_renice_one(&t, 1, &r, err, sizeof err), 0);
	assert_int_equal(r.ntasks, NTHREADS);
	assert_string_equal(r.before, "0");
	assert_string_equal(r.after, "1");
	n = tids_of(pid, tids, nitems(tids));
	for (i = 0; i < n; i++)
		assert_int_equal(stat_nice(pid, tids[i]), 1);
	assert_int_equal(action_renice_one(&t, 1, &r, err, sizeof err), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(stat_nice(pid, tids[i]), 2);
	/* At the end of the range: nothing to do, and said. */
	assert_int_equal(setpriority(PRIO_PROCESS, pid, 19), 0);
	assert_int_equal(action_renice_one(&t, 1, &r, err, sizeof err), 1);
	assert_non_null(strstr(err, "already has nice 19"));
	end_child(pid);
}

/* A thread's own row changes that thread alone. */
static void
test_renice_one_thread(void **state)
{
	struct action_target	t;
	struct action_sched	r;
	char			err[512];
	int			tids[8], n, i;
	pid_t			pid = spawn_threads();

	n = tids_of(pid, tids, nitems(tids));
	for (i = 0; i < n && tids[i] == pid; i++)
		;
	assert_true(i < n);
	target_of(&t, tids[i]);
	t.thread = 1;
	assert_int_equal(action_renice_one(&t, 3, &r, err, sizeof err), 0);
	assert_int_equal(r.ntasks, 1);
	assert_int_equal(stat_nice(pid, tids[i]), 3);
	assert_int_equal(stat_nice(pid, pid), 0);
	end_child(pid);
}

/* A start time other than the one seen: refused, nothing changed. */
static void
test_reused_pid_refused(void **state)
{
	struct action_target	t;
	struct action_sched	r;
	cpu_set_t		set;
	char			err[512];
	pid_t			pid = spawn_threads();

	target_of(&t, pid);
	t.start += 1;
	assert_int_equal(action_renice_one(&t, 5, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "another process"));
	assert_int_equal(stat_nice(pid, pid), 0);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	assert_int_equal(action_affinity_one(&t, &set, sizeof set, &r, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "another process"));
	assert_int_equal(action_ioprio_one(&t, action_ioprio_value(
	    IOPRIO_CLASS_IDLE, 0), &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "another process"));
	assert_int_equal(tid_ioprio(pid), 0);
	end_child(pid);
}

static void
test_exited(void **state)
{
	struct action_target	t;
	struct action_sched	r;
	char			err[512];
	int			v;
	pid_t			pid = spawn_threads();

	target_of(&t, pid);
	end_child(pid);
	assert_int_equal(action_renice_one(&t, 1, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "already exited"));
	assert_int_equal(action_ioprio_get(&t, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "already exited"));
}

static void
test_affinity_every_thread(void **state)
{
	struct action_target	 t;
	struct action_sched	 r;
	cpu_set_t		*set;
	size_t			 size;
	char			 err[512], cpus[64];
	int			 tids[8], n, i, last;
	pid_t			 pid = spawn_threads();

	set = cpulist_alloc(&size);
	assert_true(cpulist_online(set, size) >= 1);
	for (last = size * 8 - 1; !CPU_ISSET_S(last, size, set); last--)
		;
	target_of(&t, pid);
	CPU_ZERO_S(size, set);
	CPU_SET_S(last, size, set);
	assert_int_equal(action_affinity_one(&t, set, size, &r, err,
	    sizeof err), 0);
	assert_int_equal(r.ntasks, NTHREADS);
	n = tids_of(pid, tids, nitems(tids));
	for (i = 0; i < n; i++) {
		status_cpus(pid, tids[i], cpus, sizeof cpus);
		assert_int_equal(atoi(cpus), last);
		assert_null(strpbrk(cpus, ",-"));
	}
	snprintf(cpus, sizeof cpus, "%d", last);
	assert_string_equal(r.after, cpus);
	assert_int_equal(action_affinity_get(&t, set, size, err, sizeof err),
	    0);
	assert_int_equal(CPU_COUNT_S(size, set), 1);
	/* An empty set is not sent to the kernel. */
	CPU_ZERO_S(size, set);
	assert_int_equal(action_affinity_one(&t, set, size, &r, err,
	    sizeof err), 1);
	free(set);
	end_child(pid);
}

static void
test_ioprio_every_thread(void **state)
{
	struct action_target	t;
	struct action_sched	r;
	char			err[512];
	int			tids[8], n, i, v;
	pid_t			pid = spawn_threads();

	target_of(&t, pid);
	v = action_ioprio_value(IOPRIO_CLASS_IDLE, 0);
	assert_int_equal(action_ioprio_one(&t, v, &r, err, sizeof err), 0);
	assert_int_equal(r.ntasks, NTHREADS);
	assert_string_equal(r.after, "idle");
	n = tids_of(pid, tids, nitems(tids));
	for (i = 0; i < n; i++)
		assert_int_equal(tid_ioprio(tids[i]), v);
	v = action_ioprio_value(IOPRIO_CLASS_BE, 6);
	assert_int_equal(action_ioprio_one(&t, v, &r, err, sizeof err), 0);
	assert_string_equal(r.before, "idle");
	assert_string_equal(r.after, "best-effort 6");
	for (i = 0; i < n; i++)
		assert_int_equal(tid_ioprio(tids[i]), v);
	assert_int_equal(action_ioprio_get(&t, &v, err, sizeof err), 0);
	assert_int_equal(v, action_ioprio_value(IOPRIO_CLASS_BE, 6));
	end_child(pid);
}

/*
 * As nobody: lowering the nice value of one's own process needs
 * CAP_SYS_NICE, and so does changing root's; both are said.
 */
static void
test_renice_not_permitted(void **state)
{
	struct action_target	t;
	struct action_sched	r;
	struct rlimit		rl = { 0, 0 };
	char			err[512], c;
	pid_t			pid, own;
	int			fds[2];

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (setrlimit(RLIMIT_NICE, &rl) != 0 || setgid(65534) != 0 ||
		    setuid(65534) != 0)
			_exit(2);
		c = 'y';
		own = spawn_threads();
		target_of(&t, own);
		if (action_renice_one(&t, -1, &r, err, sizeof err) != -1 ||
		    strstr(err, "CAP_SYS_NICE") == NULL)
			c = 'a';
		/* Raising it needs nothing. */
		if (c == 'y' && action_renice_one(&t, 1, &r, err,
		    sizeof err) != 0)
			c = 'b';
		end_child(own);
		target_of(&t, 1);
		if (c == 'y' && (action_renice_one(&t, 1, &r, err,
		    sizeof err) != -1 || strstr(err, "belongs to user") ==
		    NULL))
			c = 'c';
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpulist_parse),
		cmocka_unit_test(test_cpulist_bad),
		cmocka_unit_test(test_cpulist_format_truncates),
		cmocka_unit_test(test_cpulist_online),
		cmocka_unit_test(test_fmt_ioprio),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_renice_every_thread),
		cmocka_unit_test(test_renice_one_thread),
		cmocka_unit_test(test_reused_pid_refused),
		cmocka_unit_test(test_exited),
		cmocka_unit_test(test_affinity_every_thread),
		cmocka_unit_test(test_ioprio_every_thread),
		cmocka_unit_test(test_renice_not_permitted),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
