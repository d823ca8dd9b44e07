/* A heap snapshot of a live process, as JSON both ways, and its files. */

#include "vigil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "heap.h"
#include "json.h"
#include "jsonv.h"
#include "procaccess.h"
#include "xalloc.h"

static int
snap_error(char *err, size_t errlen, int pid, int e, const char *what)
{
	if (e == ENOENT)
		snprintf(err, errlen, _("process %d does not exist (it may have exited)"),
		    pid);
	else if (e == ESRCH)
		snprintf(err, errlen, _("process %d has exited"), pid);
	else if (e == EACCES || e == EPERM)
		proc_access_explain(pid, PROC_ACCESS_READ, what, e, err,
		    errlen);
	else
		snprintf(err, errlen, _("cannot read /proc/%d/%s: %s"), pid,
		    what, strerror(e));
	return (-1);
}

/* The name and start time from /proc/PID/stat; the name may hold ')'. */
static int
snap_stat(int pid, struct heap_snap *s)
{
	char		 path[64], text[1024], *open, *close, *p;
	int		 field;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (file_read(path, text, sizeof text) < 0)
		return (-1);
	if ((open = strchr(text, '(')) == NULL ||
	    (close = strrchr(text, ')')) == NULL || close < open) {
		errno = EINVAL;
		return (-1);
	}
	snprintf(s->comm, sizeof s->comm, "%.*s", (int)(close - open - 1),
	    open + 1);
	/* Field 3 (state) follows ") "; the start time is field 22. */
	if (close[1] == ' ' && (close[2] == 'Z' || close[2] == 'X')) {
		errno = ESRCH;		/* a zombie has no memory left */
		return (-1);
	}
	for (p = close + 2, field = 3; *p != '\0' && field < 22; p++)
		if (*p == ' ')
			field++;
	s->start_time = strtoull(p, NULL, 10);
	return (0);
}

/*
 * The stack pointer of every thread. /proc/PID/task/TID/stat's kstkesp is
 * 0 on current kernels unless the thread is dumping core, so it comes from
 * /proc/PID/task/TID/syscall instead, which the same user and root may
 * read (a ptrace attach check). Returns how many threads there are.
 */
static size_t
snap_sps(int pid, uint64_t **sps, size_t *nsps)
{
	char		 path[64], text[512];
	struct dirent	*de;
	DIR		*d;
	uint64_t	 sp;
	size_t		 threads = 0;

	*sps = NULL;
	*nsps = 0;
	snprintf(path, sizeof path, "/proc/%d/task", pid);
	if ((d = opendir(path)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		threads++;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/syscall", pid,
		    de->d_name);
		if (file_read(path, text, sizeof text) < 0 ||
		    heap_syscall_sp(text, &sp) != 0)
			continue;
		*sps = xreallocarray(*sps, *nsps + 1, sizeof **sps);
		(*sps)[(*nsps)++] = sp;
	}
	closedir(d);
	return (threads);
}

/* Snapshot process pid now. Returns 0, or -1 with a message in err. */
int
heap_snap_read(int pid, struct heap_snap *s, char *err, size_t errlen)
{
	char			 path[64], comm[64];
	char			*text = NULL;
	ssize_t			 len;
	uint64_t		*sps;
	size_t			 nsps;
	struct heap_snap	 again;
	struct timeval		 tv;
	int			 guess;

	memset(s, 0, sizeof *s);
	s->pid = pid;
	if (snap_stat(pid, s) != 0)
		return (snap_error(err, errlen, pid, errno, "stat"));
	if (proc_kernel_thread(pid, comm, sizeof comm) == 1) {
		snprintf(err, errlen, _("PID %d (%s) is a kernel thread: it has "
		    "no user memory"), pid, comm);
		return (-1);
	}
	gettimeofday(&tv, NULL);
	s->time = tv.tv_sec + tv.tv_usec / 1e6;
	snprintf(path, sizeof path, "/proc/%d/smaps", pid);
	if ((len = file_read_all(path, &text)) < 0)
		return (snap_error(err, errlen, pid, errno, "smaps"));
	if (heap_smaps_parse(text, len, s) < 0) {
		free(text);
		heap_snap_free(s);
		snprintf(err, errlen, _("cannot understand /proc/%d/smaps"),
		    pid);
		return (-1);
	}
	free(text);
	s->threads = snap_sps(pid, &sps, &nsps);
	/* Threads whose stack pointer is unknown: their guard pages tell. */
	guess = nsps < (size_t)s->threads;
	snprintf(s->stacks_from, sizeof s->stacks_from, "%s",
	    !guess ? "sp" : nsps == 0 ? "guard" : "sp+guard");
	heap_classify(s, sps, nsps, guess);
	free(sps);
	/* A PID reused meanwhile must not lend its mappings. */
	memset(&again, 0, sizeof again);
	if (snap_stat(pid, &again) != 0 ||
	    again.start_time != s->start_time) {
		heap_snap_free(s);
		return (snap_error(err, errlen, pid, ESRCH, "stat"));
	}
	return (0);
}

static void
usage_json(struct json *j, const struct heap_usage *u)
{
	json_key(j, "size_kb");
	json_uint(j, u->size);
	json_key(j, "rss_kb");
	json_uint(j, u->rss);
	json_key(j, "pss_kb");
	json_uint(j, u->pss);
	json_key(j, "private_dirty_kb");
	json_uint(j, u->private_dirty);
	json_key(j, "swap_kb");
	json_uint(j, u->swap);
}

void
heap_snap_json(struct json *j, const struct heap_snap *s)
{
	const struct heap_map	*m;
	size_t			 i;
	int			 c;

	json_object_begin(j);
	json_key(j, "version");
	json_int(j, 1);
	json_key(j, "pid");
	json_int(j, s->pid);
	json_key(j, "start_time");
	json_uint(j, s->start_time);
	json_key(j, "comm");
	json_string(j, s->comm);
	json_key(j, "time");
	json_double(j, s->time, 3);
	json_key(j, "threads");
	json_int(j, s->threads);
	json_key(j, "stacks_from");
	json_string(j, s->stacks_from);
	json_key(j, "total");
	json_object_begin(j);
	usage_json(j, &s->total);
	json_object_end(j);
	json_key(j, "classes");
	json_object_begin(j);
	for (c = 0; c < HEAP_C__COUNT; c++) {
		json_key(j, heap_class_name(c));
		json_object_begin(j);
		usage_json(j, &s->cls[c]);
		json_object_end(j);
	}
	json_object_end(j);
	json_key(j, "mappings");
	json_array_begin(j);
	for (i = 0; i < s->nmaps; i++) {
		m = &s->maps[i];
		json_object_begin(j);
		json_key(j, "start");
		json_uint(j, m->start);
		json_key(j, "end");
		json_uint(j, m->end);
		json_key(j, "perms");
		json_string(j, m->perms);
		json_key(j, "offset");
		json_uint(j, m->offset);
		json_key(j, "inode");
		json_uint(j, m->inode);
		json_key(j, "name");
		json_string(j, m->name);
		json_key(j, "deleted");
		json_bool(j, m->deleted);
		json_key(j, "class");
		json_string(j, heap_class_name(m->cls));
		usage_json(j, &m->u);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void
usage_from_json(const struct jsonv *v, struct heap_usage *u)
{
	u->size = jsonv_uint(jsonv_get(v, "size_kb"), 0);
	u->rss = jsonv_uint(jsonv_get(v, "rss_kb"), 0);
	u->pss = jsonv_uint(jsonv_get(v, "pss_kb"), 0);
	u->private_dirty = jsonv_uint(jsonv_get(v, "private_dirty_kb"), 0);
	u->swap = jsonv_uint(jsonv_get(v, "swap_kb"), 0);
}

/* A snapshot back from what heap_snap_json() wrote. */
int
heap_snap_from_json(const struct jsonv *v, struct heap_snap *s, char *err,
    size_t errlen)
{
	const struct jsonv	*maps, *mv;
	struct heap_map		*m;
	const char		*str;
	size_t			 i, cap;
	int			 c;

	memset(s, 0, sizeof *s);
	maps = jsonv_get(v, "mappings");
	if (jsonv_get(v, "pid") == NULL || maps == NULL ||
	    maps->type != JSONV_ARRAY) {
		snprintf(err, errlen, _("not a vigil heap snapshot"));
		return (-1);
	}
	s->pid = jsonv_int(jsonv_get(v, "pid"), 0);
	s->start_time = jsonv_uint(jsonv_get(v, "start_time"), 0);
	s->time = jsonv_num(jsonv_get(v, "time"), 0);
	s->threads = jsonv_int(jsonv_get(v, "threads"), 0);
	if ((str = jsonv_str(jsonv_get(v, "comm"))) != NULL)
		snprintf(s->comm, sizeof s->comm, "%s", str);
	if ((str = jsonv_str(jsonv_get(v, "stacks_from"))) != NULL)
		snprintf(s->stacks_from, sizeof s->stacks_from, "%s", str);
	/* A power of two, as heap_smaps_parse() grows it. */
	for (cap = 16; cap < maps->n; cap *= 2)
		;
	s->maps = xcalloc(cap, sizeof *s->maps);
	for (i = 0; i < maps->n; i++) {
		mv = jsonv_at(maps, i);
		m = &s->maps[s->nmaps++];
		m->start = jsonv_uint(jsonv_get(mv, "start"), 0);
		m->end = jsonv_uint(jsonv_get(mv, "end"), 0);
		str = jsonv_str(jsonv_get(mv, "perms"));
		snprintf(m->perms, sizeof m->perms, "%s",
		    str != NULL ? str : "----");
		m->offset = jsonv_uint(jsonv_get(mv, "offset"), 0);
		m->inode = jsonv_uint(jsonv_get(mv, "inode"), 0);
		str = jsonv_str(jsonv_get(mv, "name"));
		m->name = xstrdup(str != NULL ? str : "");
		m->deleted = jsonv_get(mv, "deleted") != NULL &&
		    jsonv_get(mv, "deleted")->b;
		c = heap_class_from_name(jsonv_str(jsonv_get(mv, "class")));
		m->cls = c >= 0 ? c : HEAP_C_OTHER;
		usage_from_json(mv, &m->u);
	}
	/* The totals are the sums of the mappings, whatever the file says. */
	for (i = 0; i < s->nmaps; i++) {
		struct heap_usage *u = &s->cls[s->maps[i].cls];

		u->size += s->maps[i].u.size;
		u->rss += s->maps[i].u.rss;
		u->pss += s->maps[i].u.pss;
		u->private_dirty += s->maps[i].u.private_dirty;
		u->swap += s->maps[i].u.swap;
	}
	for (c = 0; c < HEAP_C__COUNT; c++) {
		s->total.size += s->cls[c].size;
		s->total.rss += s->cls[c].rss;
		s->total.pss += s->cls[c].pss;
		s->total.private_dirty += s->cls[c].private_dirty;
		s->total.swap += s->cls[c].swap;
	}
	return (0);
}

int
heap_snap_load(const char *path, struct heap_snap *s, char *err,
    size_t errlen)
{
	char		*text = NULL, why[128];
	ssize_t		 len;
	struct jsonv	*v;
	int		 rc;

	memset(s, 0, sizeof *s);
	if ((len = file_read_all(path, &text)) < 0) {
		snprintf(err, errlen, _("cannot read %s: %s"), path,
		    strerror(errno));
		return (-1);
	}
	v = jsonv_parse(text, len, why, sizeof why);
	free(text);
	if (v == NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		return (-1);
	}
	rc = heap_snap_from_json(v, s, why, sizeof why);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	jsonv_free(v);
	return (rc);
}

/* $XDG_STATE_HOME/vigil/heap (else ~/.local/state/vigil/heap), or NULL. */
char *
heap_state_dir(char *out, size_t len)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");

	if (xdg != NULL && xdg[0] == '/')
		snprintf(out, len, "%s/vigil/heap", xdg);
	else if (home != NULL && home[0] != '\0')
		snprintf(out, len, "%s/.local/state/vigil/heap", home);
	else
		return (NULL);
	return (out);
}

/* Make every directory of path that is missing, mode 0700. */
static int
snap_mkdirs(const char *path)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; ; p++) {
		p = strchr(p, '/');
		if (p != NULL)
			*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			free(dir);
			return (-1);
		}
		if (p == NULL)
			break;
		*p = '/';
	}
	free(dir);
	return (0);
}

/*
 * Save s as PID-STARTTIME-MILLISECONDS.json in the state directory, written
 * to a temporary file and renamed; *path is where (the caller frees it).
 */
int
heap_snap_save(const struct heap_snap *s, char **path, char *err,
    size_t errlen)
{
	char		 dir[4096], *tmp;
	struct buf	 b = BUF_INITIALIZER;
	struct json	 j;
	long long	 ms = (long long)(s->time * 1000);
	int		 fd;
	size_t		 off;
	ssize_t		 n;

	*path = NULL;
	if (heap_state_dir(dir, sizeof dir) == NULL) {
		snprintf(err, errlen, _("neither XDG_STATE_HOME nor HOME is set"));
		return (-1);
	}
	if (snap_mkdirs(dir) != 0) {
		snprintf(err, errlen, _("cannot create %s: %s"), dir,
		    strerror(errno));
		return (-1);
	}
	json_init(&j, &b);
	heap_snap_json(&j, s);
	buf_addc(&b, '\n');
	xasprintf(&tmp, "%s/.%d-%llu.tmp.%d", dir, s->pid, s->start_time,
	    (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1)
		goto fail;
	for (off = 0; off < b.len; off += n) {
		if ((n = write(fd, b.data + off, b.len - off)) <= 0) {
			close(fd);
			unlink(tmp);
			goto fail;
		}
	}
	if (close(fd) != 0) {
		unlink(tmp);
		goto fail;
	}
	/* Two snapshots in one millisecond: the next free name. */
	for (;;) {
		free(*path);
		xasprintf(path, "%s/%d-%llu-%lld.json", dir, s->pid,
		    s->start_time, ms++);
		if (access(*path, F_OK) != 0)
			break;
	}
	if (rename(tmp, *path) != 0) {
		unlink(tmp);
		free(*path);
		*path = NULL;
		goto fail;
	}
	free(tmp);
	buf_free(&b);
	return (0);
fail:
	snprintf(err, errlen, _("cannot save the snapshot in %s: %s"), dir,
	    strerror(errno));
	free(tmp);
	buf_free(&b);
	return (-1);
}

/*
 * The newest saved snapshot of the process pid with this start time other
 * than the file except (may be NULL), or NULL; the caller frees it.
 */
char *
heap_snap_previous(int pid, unsigned long long start, const char *except)
{
	char		 dir[4096], prefix[64], *path, *best = NULL;
	const char	*base = NULL;
	struct dirent	*de;
	DIR		*d;
	long long	 ms, best_ms = -1;
	char		*end;
	size_t		 plen;

	if (heap_state_dir(dir, sizeof dir) == NULL ||
	    (d = opendir(dir)) == NULL)
		return (NULL);
	if (except != NULL)
		base = strrchr(except, '/') != NULL ? strrchr(except, '/') + 1 :
		    except;
	plen = snprintf(prefix, sizeof prefix, "%d-%llu-", pid, start);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    (base != NULL && strcmp(de->d_name, base) == 0))
			continue;
		ms = strtoll(de->d_name + plen, &end, 10);
		if (strcmp(end, ".json") != 0 || ms <= best_ms)
			continue;
		best_ms = ms;
		free(best);
		best = xstrdup(de->d_name);
	}
	closedir(d);
	if (best == NULL)
		return (NULL);
	xasprintf(&path, "%s/%s", dir, best);
	free(best);
	return (path);
}
