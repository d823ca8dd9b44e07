/*
 * What the detail pane shows about one process, read on demand from
 * /proc/PID: executable, working directory, open file count, cgroup and
 * systemd unit, the CPUs it may run on and its I/O priority (its main
 * thread's), resource limits and, only when asked, the environment.
 * detail_read() fills a caller's struct; detail_free() releases what it
 * holds. Each field that could not be read says why (its errno).
 */
#ifndef VIGIL_DETAIL_H
#define VIGIL_DETAIL_H

#include <stddef.h>

#define DETAIL_ENV	0x1	/* also read /proc/PID/environ */

struct detail_limit {
	char	 name[32];	/* "Max open files" */
	char	 soft[24];	/* "1024" or "unlimited" */
	char	 hard[24];
	char	 units[16];	/* "files", "bytes", "" */
};

struct proc_detail {
	int			 pid;
	char			*exe;		/* NULL: see exe_errno */
	int			 exe_errno;
	int			 exe_deleted;	/* the file was deleted */
	char			*cwd;
	int			 cwd_errno;
	int			 nfds;		/* -1: see fds_errno */
	int			 fds_errno;
	char			*cgroup;	/* the v2 path, or v1's first */
	char			*unit;		/* systemd unit, or NULL */
	char			 cpus[256];	/* Cpus_allowed_list, or "" */
	int			 ioprio;	/* ioprio_get(2); -1: see */
	int			 ioprio_errno;	/* ioprio_errno */
	struct detail_limit	*limits;
	size_t			 nlimits;
	int			 limits_errno;
	char			**env;		/* with DETAIL_ENV */
	size_t			 nenv;
	int			 env_errno;
};

int	detail_read(int, int, struct proc_detail *);
void	detail_free(struct proc_detail *);
int	detail_parse_cgroup(const char *, char **, char **);
int	detail_parse_limits(const char *, struct detail_limit **, size_t *);

#endif
