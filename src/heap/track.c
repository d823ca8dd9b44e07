/* Allocation tracking, client side: the agent's socket, its snapshot, and the history of snapshots. */

#include "vigil.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "htrack.h"
#include "sample.h"
#include "xalloc.h"

#define HTRACK_TIMEOUT_MS	10000

static int	htrack_socket(int, char *, size_t);
static int	htrack_read_all(int, struct buf *, char *, size_t);
static int	htrack_parse_site(struct htrack_snap *, const char *);
static uint64_t	htrack_key(int, const uint64_t *, size_t);
static int	htrack_site_cmp(const void *, const void *);
static int	htrack_state_dir(char *, size_t);

/*
 * Where the agent of pid listens: under our $XDG_RUNTIME_DIR, the
 * process owner's /run/user/UID, or /tmp/vigil-UID (as the library
 * chooses them, in the process's environment).
 */
static int
htrack_socket(int pid, char *path, size_t len)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	struct stat	 st;
	char		 proc[64];
	unsigned	 uid = (unsigned)geteuid();
	int		 i, n;

	snprintf(proc, sizeof proc, "/proc/%d", pid);
	if (stat(proc, &st) == 0)
		uid = st.st_uid;
	for (i = 0; i < 3; i++) {
		n = -1;
		if (i == 0 && xdg != NULL && xdg[0] == '/')
			n = snprintf(path, len, "%s/vigil/heap-%d.sock", xdg,
			    pid);
		else if (i == 1)
			n = snprintf(path, len, "/run/user/%u/vigil/heap-%d.sock",
			    uid, pid);
		else if (i == 2)
			n = snprintf(path, len, "/tmp/vigil-%u/heap-%d.sock",
			    uid, pid);
		if (n < 0 || (size_t)n >= len)
			continue;
		if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
			return (0);
	}
	return (-1);
}

/* Whether process pid has an agent socket: is it tracked. */
int
htrack_tracked(int pid)
{
	char	path[PATH_MAX];

	return (htrack_socket(pid, path, sizeof path) == 0);
}

static int
htrack_read_all(int fd, struct buf *b, char *err, size_t errlen)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };
	char		 chunk[16384];
	ssize_t		 r;

	for (;;) {
		r = poll(&pfd, 1, HTRACK_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			snprintf(err, errlen, _("the tracking agent did not "
			    "answer in %d seconds"), HTRACK_TIMEOUT_MS / 1000);
			return (-1);
		}
		r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, _("cannot read from the tracking "
			    "agent: %s"), strerror(errno));
			return (-1);
		}
		if (r == 0)
			return (0);
		buf_add(b, chunk, r);
	}
}

/* Ask pid's agent for a snapshot. */
int
htrack_fetch(int pid, struct htrack_snap *s, char *err, size_t errlen)
{
	struct sockaddr_un	 sun;
	struct buf		 b = BUF_INITIALIZER;
	int			 fd, rc;

	memset(s, 0, sizeof *s);
	if (kill(pid, 0) != 0 && errno == ESRCH) {
		snprintf(err, errlen, _("no process %d"), pid);
		return (-1);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (htrack_socket(pid, sun.sun_path, sizeof sun.sun_path) != 0) {
		snprintf(err, errlen, _("process %d is not tracked: start it "
		    "with 'vigil heaptrack --run -- COMMAND' (or "
		    "LD_PRELOAD=libvigil-heap.so)"), pid);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		snprintf(err, errlen, _("cannot reach the tracking agent of "
		    "process %d (%s): %s"), pid, sun.sun_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return (-1);
	}
	if (write(fd, "snapshot\n", 9) != 9) {
		snprintf(err, errlen, _("cannot write to the tracking agent: "
		    "%s"), strerror(errno));
		close(fd);
		return (-1);
	}
	rc = htrack_read_all(fd, &b, err, errlen);
	close(fd);
	if (rc == 0)
		rc = htrack_parse(s, buf_str(&b), err, errlen);
	buf_free(&b);
	if (rc == 0 && s->pid != pid) {
		snprintf(err, errlen, _("the agent's socket for process %d "
		    "belongs to process %d"), pid, s->pid);
		rc = -1;
	}
	if (rc != 0)
		htrack_snap_free(s);
	return (rc);
}

static uint64_t
htrack_key(int mmap, const uint64_t *ips, size_t depth)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ (uint64_t)mmap;
	size_t		i, k;

	for (i = 0; i < depth; i++) {
		for (k = 0; k < 8; k++) {
			h ^= (ips[i] >> (8 * k)) & 0xff;
			h *= 0x100000001b3ULL;
		}
	}
	return (h);
}

/* site KIND LB LO CB CO DEPTH IP... */
static int
htrack_parse_site(struct htrack_snap *s, const char *line)
{
	struct htrack_site	 site;
	char			 kind[8], *end;
	const char		*p;
	unsigned long long	 depth, ip;
	long long		 v[4];
	int			 used = 0;
	size_t			 i;

	memset(&site, 0, sizeof site);
	if (sscanf(line, "site %7s %lld %lld %lld %lld %llu%n", kind, &v[0],
	    &v[1], &v[2], &v[3], &depth, &used) != 6 || used == 0 ||
	    depth > 1024)
		return (-1);
	if (strcmp(kind, "heap") != 0 && strcmp(kind, "mmap") != 0)
		return (-1);
	site.mmap = strcmp(kind, "mmap") == 0;
	site.live_bytes = v[0];
	site.live_objs = v[1];
	site.cum_bytes = v[2];
	site.cum_objs = v[3];
	site.depth = depth;
	site.ips = xcalloc(depth + 1, sizeof *site.ips);
	p = line + used;
	for (i = 0; i < depth; i++) {
		errno = 0;
		ip = strtoull(p, &end, 16);
		if (end == p || errno != 0) {
			free(site.ips);
			return (-1);
		}
		site.ips[i] = ip;
		p = end;
	}
	site.key = htrack_key(site.mmap, site.ips, site.depth);
	s->sites = xreallocarray(s->sites, s->nsites + 1, sizeof *s->sites);
	s->sites[s->nsites++] = site;
	return (0);
}

int
htrack_parse(struct htrack_snap *s, const char *text, char *err,
    size_t errlen)
{
	struct buf	 maps = BUF_INITIALIZER;
	const char	*line, *nl;
	char		*copy;
	int		 n = 0, ended = 0, rc = 0, version = 0;
	double		 t;

	memset(s, 0, sizeof *s);
	for (line = text; *line != '\0' && rc == 0 && !ended; line = nl) {
		nl = strchr(line, '\n');
		if (nl == NULL) {
			rc = -1;	/* cut short */
			break;
		}
		copy = xstrndup(line, nl - line);
		nl++;
		n++;
		if (n == 1) {
			if (sscanf(copy, "vigil-heap %d", &version) != 1 ||
			    version != 1)
				rc = -1;
		} else if (strncmp(copy, "site ", 5) == 0)
			rc = htrack_parse_site(s, copy);
		else if (strncmp(copy, "map ", 4) == 0) {
			buf_adds(&maps, copy + 4);
			buf_addc(&maps, '\n');
		} else if (sscanf(copy, "pid %d", &s->pid) == 1)
			;
		else if (strcmp(copy, "mode full") == 0)
			s->sampled = 0;
		else if (strcmp(copy, "mode sampled") == 0)
			s->sampled = 1;
		else if (sscanf(copy, "rate %" SCNu64, &s->rate) == 1)
			;
		else if (sscanf(copy, "time %lf", &t) == 1)
			s->time = t;
		else if (strcmp(copy, "end") == 0)
			ended = 1;
		/* Other lines: for a newer agent; ignored. */
		free(copy);
	}
	if (rc != 0 || !ended || s->pid <= 0) {
		snprintf(err, errlen, _("the tracking agent's answer is not "
		    "a snapshot vigil understands (line %d)"), n);
		buf_free(&maps);
		htrack_snap_free(s);
		return (-1);
	}
	s->maps = xstrdup(buf_str(&maps));
	buf_free(&maps);
	return (0);
}

void
htrack_snap_free(struct htrack_snap *s)
{
	size_t	i;

	for (i = 0; i < s->nsites; i++)
		free(s->sites[i].ips);
	free(s->sites);
	free(s->maps);
	memset(s, 0, sizeof *s);
}

static int
htrack_site_cmp(const void *a, const void *b)
{
	const struct htrack_site	*x = a, *y = b;

	if (x->live_bytes != y->live_bytes)
		return (x->live_bytes > y->live_bytes ? -1 : 1);
	if (x->cum_bytes != y->cum_bytes)
		return (x->cum_bytes > y->cum_bytes ? -1 : 1);
	return (x->key < y->key ? -1 : x->key > y->key);
}

/* Most live bytes first. */
void
htrack_sort(struct htrack_snap *s)
{
	if (s->nsites > 1)
		qsort(s->sites, s->nsites, sizeof *s->sites, htrack_site_cmp);
}

/*
 * The history file:
 *	vigil-heaptrack-history 1
 *	time T		the previous snapshot's time
 *	KEY N V1 ... VN	a site's live bytes in its last N snapshots
 */
int
htrack_history_apply(struct htrack_snap *s, FILE *in, FILE *out)
{
	struct htrack_site	*site;
	unsigned long long	 key;
	long long		*vals = NULL, hist[HTRACK_HISTORY];
	uint64_t		*keys = NULL;
	size_t			*nvals = NULL, nk = 0, i, k, n;
	char			 line[1024], *p, *end;
	double			 t;
	int			 rising;

	while (in != NULL && fgets(line, sizeof line, in) != NULL) {
		if (sscanf(line, "time %lf", &t) == 1) {
			s->prev_time = t;
			continue;
		}
		errno = 0;
		key = strtoull(line, &end, 16);
		if (end == line || errno != 0)
			continue;
		n = strtoul(end, &p, 10);
		if (p == end || n == 0 || n > HTRACK_HISTORY)
			continue;
		keys = xreallocarray(keys, nk + 1, sizeof *keys);
		nvals = xreallocarray(nvals, nk + 1, sizeof *nvals);
		vals = xreallocarray(vals, (nk + 1) * HTRACK_HISTORY,
		    sizeof *vals);
		for (i = 0; i < n; i++) {
			vals[nk * HTRACK_HISTORY + i] = strtoll(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		if (i < n)
			continue;
		keys[nk] = key;
		nvals[nk++] = n;
	}

	if (out != NULL)
		fprintf(out, "vigil-heaptrack-history 1\ntime %.9f\n", s->time);
	for (i = 0; i < s->nsites; i++) {
		site = &s->sites[i];
		n = 0;
		for (k = 0; k < nk; k++) {
			if (keys[k] != site->key)
				continue;
			n = nvals[k];
			memcpy(hist, &vals[k * HTRACK_HISTORY], n * sizeof *hist);
			break;
		}
		site->known = n > 0;
		site->growth = site->live_bytes - (n > 0 ? hist[n - 1] : 0);
		if (n == HTRACK_HISTORY) {
			memmove(hist, hist + 1, (n - 1) * sizeof *hist);
			n--;
		}
		hist[n++] = site->live_bytes;
		site->seen = n;
		rising = n >= 2;
		for (k = 1; k < n && rising; k++)
			rising = hist[k] > hist[k - 1];
		site->suspect = rising;
		if (out == NULL)
			continue;
		fprintf(out, "%llx %zu", (unsigned long long)site->key, n);
		for (k = 0; k < n; k++)
			fprintf(out, " %lld", hist[k]);
		fputc('\n', out);
	}
	free(keys);
	free(nvals);
	free(vals);
	return (0);
}

/* $XDG_STATE_HOME/vigil/heaptrack, made if need be. */
static int
htrack_state_dir(char *dir, size_t len)
{
	const char	*xdg = getenv("XDG_STATE_HOME"), *home;
	char		 sub[4096];
	int		 n;

	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, len, "%s/vigil/heaptrack", xdg);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		n = snprintf(dir, len, "%s/.local/state/vigil/heaptrack", home);
	else
		return (-1);
	if (n < 0 || (size_t)n >= len)
		return (-1);
	/* mkdir -p, each level 0700. */
	for (n = 1; dir[n] != '\0'; n++) {
		if (dir[n] != '/')
			continue;
		snprintf(sub, sizeof sub, "%.*s", n, dir);
		if (mkdir(sub, 0700) != 0 && errno != EEXIST)
			return (-1);
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return (-1);
	return (0);
}

/*
 * The history of this process (PID and start time: a reused PID starts a
 * new one), applied and written back through a temporary file and a
 * rename, so a crash never leaves half a file.
 */
int
htrack_history(struct htrack_snap *s, char *err, size_t errlen)
{
	unsigned long long	 start = 0;
	char			 dir[4096], path[4200], tmp[4300];
	FILE			*in, *out;
	int			 rc;

	if (htrack_state_dir(dir, sizeof dir) != 0) {
		snprintf(err, errlen, _("cannot make the state directory for "
		    "heap snapshots (XDG_STATE_HOME or HOME)"));
		return (-1);
	}
	sample_start_time(s->pid, &start);
	snprintf(path, sizeof path, "%s/%d-%llu.hist", dir, s->pid, start);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	in = fopen(path, "re");
	if ((out = fopen(tmp, "we")) == NULL) {
		snprintf(err, errlen, _("cannot write %s: %s"), tmp,
		    strerror(errno));
		if (in != NULL)
			fclose(in);
		return (-1);
	}
	rc = htrack_history_apply(s, in, out);
	if (in != NULL)
		fclose(in);
	if (fclose(out) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, _("cannot write %s: %s"), path,
		    strerror(errno));
		unlink(tmp);
		return (-1);
	}
	return (rc);
}
