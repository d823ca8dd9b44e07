/*
 * Unit tests of the sampler's kept /proc files (src/sample/procfd.c) on
 * real processes: a kept descriptor never serves another process's data,
 * rows of exited processes go, reads past the fd budget give the same
 * values, and children get the original RLIMIT_NOFILE back.
 */

#include "vigil.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdlimit.h"
#include "sample.h"
#include "sample-int.h"

struct scan {
	struct sample_proc	*procs;
	size_t			 nalloc;
	size_t			 n;
};

static pid_t
idle_child(void)
{
	pid_t	pid;
	char	c;
	int	p[2];

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		int	null = open("/dev/null", O_RDWR);

		/*
		 * Never outlive the test, nor hold its output open: a failed
		 * assertion in the parent would otherwise leave the harness
		 * waiting for the end of a log that never comes.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		close(null);
		close(p[0]);
		close(p[1]);	/* the parent's read ends: it is settled */
		for (;;)
			pause();
	}
	assert_true(pid > 0);
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 0);
	close(p[0]);
	return (pid);
}

static void
end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static const struct sample_proc *
scan_find(const struct scan *s, int pid)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (s->procs[i].pid == pid)
			return (&s->procs[i]);
	}
	return (NULL);
}

/* Scan until the child's stat shows it is past fork (its own name set). */
static const struct sample_proc *
scan_child(struct procfd_cache *c, struct scan *s, int flags, pid_t pid)
{
	assert_int_equal(procfd_scan(c, flags, &s->procs, &s->nalloc, &s->n),
	    0);
	return (scan_find(s, pid));
}

/* The row of an exited process goes, and its kept file with it. */
static void
test_exited(void **state)
{
	struct procfd_cache		*c = procfd_new();
	struct scan			 s = { 0 };
	const struct sample_proc	*p;
	unsigned long long		 start;
	char				 buf[512];
	pid_t				 pid = idle_child();
	int				 fd;

	assert_non_null(c);
	assert_non_null(p = scan_child(c, &s, 0, pid));
	assert_int_equal(p->ppid, getpid());
	fd = procfd_peek(c, pid, &start);
	assert_true(fd >= 0);
	assert_true(start == p->start);

	end_child(pid);
	/* What the cache relies on: a reaped process's file reads nothing. */
	assert_int_equal(pread(fd, buf, sizeof buf, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_null(scan_child(c, &s, 0, pid));
	assert_int_equal(procfd_peek(c, pid, &start), -2);
	free(s.procs);
	procfd_free(c);
}

/*
 * A kept descriptor that reads another process's stat (as one would if
 * the kernel let it outlive its process and the PID were reused) is not
 * believed: the file is opened again and the row is the child's own.
 */
static void
test_reopen(void **state)
{
	struct procfd_cache		*c = procfd_new();
	struct scan			 s = { 0 };
	const struct sample_proc	*p;
	unsigned long long		 start, cstart;
	pid_t				 pid = idle_child();
	int				 other;

	assert_non_null(p = scan_child(c, &s, 0, pid));
	cstart = p->start;
	assert_true(procfd_peek(c, pid, &start) >= 0);
	assert_true((other = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)) >=
	    0);
	procfd_poison(c, pid, other);
	assert_non_null(p = scan_child(c, &s, 0, pid));
	assert_int_equal(p->pid, pid);
	assert_int_equal(p->ppid, getpid());
	assert_true(p->start == cstart);
	assert_true(procfd_peek(c, pid, &start) >= 0);
	assert_true(start == cstart);
	end_child(pid);
	free(s.procs);
	procfd_free(c);
}

static void
same_proc(const struct sample_proc *a, const struct sample_proc *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->tgid, b->tgid);
	assert_int_equal(a->ppid, b->ppid);
	assert_int_equal(a->uid, b->uid);
	assert_string_equal(a->user, b->user);
	assert_string_equal(a->comm, b->comm);
	assert_int_equal(a->prio, b->prio);
	assert_int_equal(a->nice, b->nice);
	assert_int_equal(a->nlwp, b->nlwp);
	assert_int_equal(a->kthread, b->kthread);
	assert_true(a->start == b->start);
	assert_int_equal(a->vsz_kb, b->vsz_kb);
}

/* Past the budget, files are opened and closed: the same values. */
static void
test_budget(void **state)
{
	struct procfd_cache		*kept = procfd_new(), *none = procfd_new();
	struct scan			 a = { 0 }, b = { 0 };
	const struct sample_proc	*pa, *pb;
	pid_t				 pid = idle_child();

	procfd_set_budget(none, 0);
	assert_non_null(pa = scan_child(kept, &a, SAMPLE_STATM, pid));
	assert_non_null(pb = scan_child(none, &b, SAMPLE_STATM, pid));
	same_proc(pa, pb);
	assert_int_equal(pa->has_shr, 1);
	assert_int_equal(pb->has_shr, 1);
	assert_int_equal(pa->rss_kb, pb->rss_kb);
	assert_int_equal(pa->shr_kb, pb->shr_kb);
	assert_true(procfd_open_count(kept) >= 2);
	assert_int_equal(procfd_open_count(none), 0);
	/* Again, now through the kept files. */
	assert_non_null(pa = scan_child(kept, &a, SAMPLE_STATM, pid));
	assert_non_null(pb = scan_child(none, &b, SAMPLE_STATM, pid));
	same_proc(pa, pb);
	assert_int_equal(pa->shr_kb, pb->shr_kb);
	end_child(pid);
	free(a.procs);
	free(b.procs);
	procfd_free(kept);
	procfd_free(none);
}

/* The kept files give what libproc2 gives (SAMPLE_THREADS reads through it). */
static void
test_libproc2(void **state)
{
	struct sampler			*fast = sampler_new(0);
	struct sampler			*lib = sampler_new(SAMPLE_THREADS);
	struct sample_proc		*pf, *pl;
	size_t				 nf, nl, i, j;
	pid_t				 pid = idle_child();

	assert_int_equal(sampler_read_procs(fast, &pf, &nf), 0);
	assert_int_equal(sampler_read_procs(lib, &pl, &nl), 0);
	for (i = 0; i < nf && pf[i].pid != pid; i++)
		;
	for (j = 0; j < nl && pl[j].pid != pid; j++)
		;
	assert_true(i < nf);
	assert_true(j < nl);
	same_proc(&pf[i], &pl[j]);
	assert_int_equal(pf[i].rss_kb, pl[j].rss_kb);
	end_child(pid);
	sampler_free(fast);
	sampler_free(lib);
}

/* /proc/PID/io as the kernel writes it; a text without a counter is none. */
static void
test_io_parse(void **state)
{
	struct sample_proc	p;

	memset(&p, 0, sizeof p);
	assert_int_equal(sample_io_parse("rchar: 323934931\nwchar: 323929600\n"
	    "syscr: 632687\nsyscw: 632675\nread_bytes: 4096\n"
	    "write_bytes: 323932160\ncancelled_write_bytes: 0\n", &p), 0);
	assert_true(p.has_io);
	assert_true(p.io_rchar == 323934931ULL);
	assert_true(p.io_wchar == 323929600ULL);
	assert_true(p.io_read == 4096);
	assert_true(p.io_write == 323932160ULL);
	assert_int_equal(sample_io_parse("rchar: 1\nwchar: 2\n", &p), -1);
	assert_false(p.has_io);
	assert_true(p.io_rchar == 0 && p.io_write == 0);
	assert_int_equal(sample_io_parse("", &p), -1);
	assert_false(p.has_io);
}

/*
 * Both paths read the counters with SAMPLE_IO, the same ones: a child
 * that wrote 1 MiB to a pipe has a wchar of at least that, in each.
 */
static void
test_io_paths(void **state)
{
	struct sampler		*fast = sampler_new(SAMPLE_IO);
	struct sampler		*lib = sampler_new(SAMPLE_IO | SAMPLE_THREADS);
	struct sampler		*none = sampler_new(0);
	struct sample_proc	*ps;
	struct sampler		*all[3];
	size_t			 n, i, k;
	int			 fds[2], status;
	char			 buf[65536];
	pid_t			 pid;

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		memset(buf, 'x', sizeof buf);
		close(fds[0]);
		for (i = 0; i < 16; i++)
			if (write(fds[1], buf, sizeof buf) != sizeof buf)
				_exit(1);
		close(fds[1]);
		pause();
		_exit(0);
	}
	assert_true(pid > 0);
	close(fds[1]);
	for (k = 0; k < 16 * sizeof buf; k += (size_t)status)
		if ((status = (int)read(fds[0], buf, sizeof buf)) <= 0)
			break;
	close(fds[0]);
	all[0] = fast;
	all[1] = lib;
	all[2] = none;
	for (k = 0; k < 3; k++) {
		assert_int_equal(sampler_read_procs(all[k], &ps, &n), 0);
		for (i = 0; i < n && ps[i].pid != pid; i++)
			;
		assert_true(i < n);
		if (k < 2) {
			assert_true(ps[i].has_io);
			assert_true(ps[i].io_wchar >= 16 * sizeof buf);
		} else
			assert_false(ps[i].has_io);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	sampler_free(fast);
	sampler_free(lib);
	sampler_free(none);
}

/* Raised for the sampler; the original again in a child that restores. */
static void
test_rlimit(void **state)
{
	struct rlimit	orig, now;
	pid_t		pid;
	int		status;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &orig), 0);
	if (orig.rlim_cur == orig.rlim_max) {
		/* Make room to raise it, as a login shell's 1024 would. */
		orig.rlim_cur = orig.rlim_max > 1024 ? 1024 : orig.rlim_max / 2;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &orig), 0);
	}
	assert_true(fdlimit_raise() == orig.rlim_max);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &now), 0);
	assert_true(now.rlim_cur == orig.rlim_max);
	if ((pid = fork()) == 0) {
		fdlimit_restore();
		getrlimit(RLIMIT_NOFILE, &now);
		_exit(now.rlim_cur == orig.rlim_cur ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_exited),
		cmocka_unit_test(test_reopen),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_libproc2),
		cmocka_unit_test(test_io_parse),
		cmocka_unit_test(test_io_paths),
		cmocka_unit_test(test_rlimit),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
