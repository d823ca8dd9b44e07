/* Why a process cannot be traced or read, by its real cause. */

#include "vigil.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "file.h"
#include "procaccess.h"
#include "sanitize.h"

#define PF_KTHREAD	0x00200000	/* include/linux/sched.h */
#define CAP_PTRACE_BIT	19		/* CAP_SYS_PTRACE */

/* include/uapi/linux/capability.h, by bit. */
static const char *proc_cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
	"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
	"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
	"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* What /proc says of one process, and of vigil itself. */
struct proc_who {
	int		 known;		/* its status could be read */
	unsigned long	 ruid, euid;
	long		 tracer;
	uint64_t	 capprm, capeff, capbnd;
	char		 comm[64];
};

static void	proc_safe(char *, size_t, const char *, size_t);
static void	proc_who_read(int, struct proc_who *);
static const char *proc_user(unsigned long, char *, size_t);
static void	proc_caps(uint64_t, char *, size_t);
static int	proc_yama_scope(void);

/*
 * The value of "Key:" in a /proc/PID/status text into out. Returns 0, or
 * -1 if the key is not there.
 */
int
proc_status_field(const char *text, const char *key, char *out, size_t len)
{
	const char	*p;
	size_t		 n, klen = strlen(key);

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			p += klen + 1;
			p += strspn(p, " \t");
			n = strcspn(p, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			return (0);
		}
	}
	return (-1);
}

/* A process's name, safe on a terminal (a name is the process's to choose). */
static void
proc_safe(char *out, size_t len, const char *s, size_t n)
{
	struct buf	b = BUF_INITIALIZER;

	sanitize(&b, s, n, 0);
	snprintf(out, len, "%s", buf_str(&b));
	buf_free(&b);
}

/* pid 0: vigil itself. */
static void
proc_who_read(int pid, struct proc_who *w)
{
	char	path[64], text[4096], v[256];

	memset(w, 0, sizeof *w);
	if (pid == 0)
		snprintf(path, sizeof path, "/proc/self/status");
	else
		snprintf(path, sizeof path, "/proc/%d/status", pid);
	if (file_read(path, text, sizeof text) < 0)
		return;
	w->known = 1;
	if (proc_status_field(text, "Name", v, sizeof v) == 0)
		proc_safe(w->comm, sizeof w->comm, v, strlen(v));
	if (proc_status_field(text, "Uid", v, sizeof v) == 0)
		sscanf(v, "%lu %lu", &w->ruid, &w->euid);
	if (proc_status_field(text, "TracerPid", v, sizeof v) == 0)
		w->tracer = strtol(v, NULL, 10);
	if (proc_status_field(text, "CapPrm", v, sizeof v) == 0)
		w->capprm = strtoull(v, NULL, 16);
	if (proc_status_field(text, "CapEff", v, sizeof v) == 0)
		w->capeff = strtoull(v, NULL, 16);
	if (proc_status_field(text, "CapBnd", v, sizeof v) == 0)
		w->capbnd = strtoull(v, NULL, 16);
}

static const char *
proc_user(unsigned long uid, char *buf, size_t len)
{
	struct passwd	*pw;

	if ((pw = getpwuid(uid)) != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%lu", uid);
	return (buf);
}

/* The names of the capabilities in set, comma-separated. */
static void
proc_caps(uint64_t set, char *out, size_t len)
{
	size_t	bit, n = 0;

	out[0] = '\0';
	for (bit = 0; bit < 64 && n < len; bit++) {
		if (!(set & (1ULL << bit)))
			continue;
		if (bit < nitems(proc_cap_names))
			n += snprintf(out + n, len - n, "%s%s", n > 0 ? ", " :
			    "", proc_cap_names[bit]);
		else
			n += snprintf(out + n, len - n, "%scapability %zu",
			    n > 0 ? ", " : "", bit);
	}
}

/* Yama's ptrace_scope, or -1 without Yama. */
static int
proc_yama_scope(void)
{
	char	v[16];

	if (file_read("/proc/sys/kernel/yama/ptrace_scope", v, sizeof v) <= 0)
		return (-1);
	return (atoi(v));
}

/*
 * The kernel refused (e: EPERM, EACCES) to let vigil trace pid or read
 * its /proc file `what`. Writes why into out, starting with what was
 * refused: "not permitted to trace process 42: ..." or "cannot read
 * /proc/42/smaps: ...". Other errnos are said as they are.
 */
void
proc_access_explain(int pid, enum proc_access how, const char *what, int e,
    char *out, size_t len)
{
	struct proc_who	 t, me, tr;
	char		 head[128], u[64], caps[512];
	unsigned long	 owner;
	uint64_t	 extra;
	int		 scope, ptrace_cap, trace = how == PROC_ACCESS_TRACE;

	if (trace)
		snprintf(head, sizeof head, _("not permitted to trace process "
		    "%d"), pid);
	else
		snprintf(head, sizeof head, _("cannot read /proc/%d/%s"), pid,
		    what);
	if (e != EPERM && e != EACCES) {
		snprintf(out, len, "%s: %s", head, strerror(e));
		return;
	}
	proc_who_read(pid, &t);
	proc_who_read(0, &me);
	ptrace_cap = (me.capeff & (1ULL << CAP_PTRACE_BIT)) != 0;
	scope = proc_yama_scope();

	/* One tracer at a time: a debugger, strace or another profiler. */
	if (trace && t.tracer > 0 && t.tracer != getpid()) {
		proc_who_read(t.tracer, &tr);
		snprintf(out, len, _("%s: it is already traced by process %ld "
		    "(%s), a debugger, strace or another profiler; detach "
		    "that first"), head, t.tracer, tr.known ? tr.comm : "?");
		return;
	}
	if (trace && scope == 3) {
		snprintf(out, len, _("%s: Yama's kernel.yama.ptrace_scope is 3, "
		    "so no process may be traced, by root neither, until the "
		    "next reboot"), head);
		return;
	}
	/* Another user's process, and no capability to override that. */
	owner = t.ruid != geteuid() ? t.ruid : t.euid;
	if (t.known && !ptrace_cap &&
	    (t.ruid != geteuid() || t.euid != geteuid())) {
		proc_user(owner, u, sizeof u);
		if (owner == 0)
			snprintf(out, len, _("%s: it belongs to user %s; run "
			    "vigil as root"), head, u);
		else
			snprintf(out, len, _("%s: it belongs to user %s; run "
			    "vigil as root or as %s"), head, u, u);
		return;
	}
	if (trace && !ptrace_cap && scope == 1) {
		snprintf(out, len, _("%s: Yama's kernel.yama.ptrace_scope is 1, "
		    "so only a parent may trace its children; run vigil as "
		    "root, or allow it with 'sysctl kernel.yama.ptrace_scope=0'"),
		    head);
		return;
	}
	if (trace && !ptrace_cap && scope == 2) {
		snprintf(out, len, _("%s: Yama's kernel.yama.ptrace_scope is 2, "
		    "so only CAP_SYS_PTRACE may trace; run vigil as root"),
		    head);
		return;
	}
	if (!ptrace_cap && geteuid() == 0) {
		snprintf(out, len, (me.capbnd & (1ULL << CAP_PTRACE_BIT)) ?
		    _("%s: vigil runs as root without CAP_SYS_PTRACE in its "
		    "effective capabilities") :
		    _("%s: vigil runs as root without CAP_SYS_PTRACE, which "
		    "its capability bounding set lacks (a container or a "
		    "service drops it: docker run --cap-add=SYS_PTRACE, or "
		    "CapabilityBoundingSet=)"), head);
		return;
	}
	if (!ptrace_cap) {
		snprintf(out, len, _("%s: it is not dumpable (a set-user-ID "
		    "program, or it called prctl(PR_SET_DUMPABLE, 0)); only "
		    "CAP_SYS_PTRACE may look into it: run vigil as root"),
		    head);
		return;
	}
	/*
	 * vigil has CAP_SYS_PTRACE, and still no. A target holding
	 * capabilities vigil lacks is refused when vigil's CAP_SYS_PTRACE
	 * does not count in its user namespace: vigil runs in a container.
	 */
	extra = t.known ? t.capprm & ~me.capeff : 0;
	if (extra != 0) {
		proc_caps(extra, caps, sizeof caps);
		snprintf(out, len, _("%s: the kernel refused (%s) although "
		    "vigil has CAP_SYS_PTRACE: the process holds capabilities "
		    "vigil lacks (%s), so it runs outside vigil's container "
		    "or user namespace; run vigil there"), head,
		    e == EPERM ? "EPERM" : "EACCES", caps);
		return;
	}
	snprintf(out, len, _("%s: the kernel refused (%s) although vigil "
	    "has CAP_SYS_PTRACE: lockdown or a security module (SELinux, "
	    "AppArmor, a seccomp policy) forbids it"), head,
	    e == EPERM ? "EPERM" : "EACCES");
}

/*
 * Whether pid is a kernel thread (PF_KTHREAD in /proc/PID/stat), its
 * name into comm. Returns 1, 0, or -1 if the process cannot be read.
 */
int
proc_kernel_thread(int pid, char *comm, size_t len)
{
	char		 path[64], stat[1024], *open, *close;
	unsigned long	 flags = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (file_read(path, stat, sizeof stat) < 0)
		return (-1);
	if ((open = strchr(stat, '(')) == NULL ||
	    (close = strrchr(stat, ')')) == NULL || close < open)
		return (-1);
	if (comm != NULL)
		proc_safe(comm, len, open + 1, close - open - 1);
	/* After ')': state, then 5 fields, then flags (field 9). */
	if (sscanf(close + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) != 1)
		return (-1);
	return ((flags & PF_KTHREAD) != 0);
}
