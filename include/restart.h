/*
 * Restarting a process (the R key): a plan built from /proc says how
 * (through the vigil run supervisor that started it, with systemctl for a
 * systemd service, or in place), exactly what will run, as whom and
 * where, or why it may not; executing it is separate, so the plan can be
 * shown for confirmation first and tested without a screen. In place, the
 * old process is ended through a pidfd opened after its start time was
 * checked, and the new one started with execve in a session of its own.
 *
 * The plan owns every string and array in it; restart_plan_free()
 * releases them.
 */
#ifndef VIGIL_RESTART_H
#define VIGIL_RESTART_H

#include <stddef.h>
#include <stdint.h>

#include "sup.h"

struct action_target;
struct buf;

#define RESTART_TIMEOUT_DEFAULT	5.0	/* seconds from SIGTERM to asking */

enum restart_kind { RESTART_INPLACE, RESTART_SUPERVISED, RESTART_SYSTEMD };

struct restart_plan {
	int			 pid;
	unsigned long long	 start;
	char			 comm[64];
	enum restart_kind	 kind;
	char			 note[256];	/* why not the usual way */

	/* RESTART_SUPERVISED */
	char			 sup_name[SUP_NAME_MAX];
	int			 sup_pid;
	char			 sup_log[4096];

	/* RESTART_SYSTEMD */
	char			*unit;
	int			 user_unit;	/* systemctl --user */

	/* RESTART_INPLACE (argv and the rest are read for every kind) */
	char			*exe;		/* what execve runs */
	char			*exe_real;	/* /proc/PID/exe, resolved */
	int			 exe_argv0;	/* exe is argv[0]'s path */
	int			 exe_deleted;	/* replaced since it started */
	char			**argv;		/* NULL-terminated */
	size_t			 argc;
	char			**env;		/* NULL-terminated */
	size_t			 nenv;
	char			*cwd;
	unsigned		 uid;
	unsigned		 gid;
	unsigned		*groups;
	size_t			 ngroups;
	char			 user[64];
	uint64_t		 sigign;	/* signals it ignores */
	char			*out[2];	/* fd 1 and 2: regular files */
	char			*fallback;	/* log for the others */
};

int	 restart_plan_build(struct restart_plan *, const struct action_target *,
	     char *, size_t);
void	 restart_plan_free(struct restart_plan *);
void	 restart_plan_describe(const struct restart_plan *, double,
	     struct buf *);
void	 restart_quote_argv(char *const *, size_t, struct buf *);
int	 restart_cgroup_unit(const char *, char **, int *);
int	 restart_systemd_reachable(void);

int	 restart_terminate(const struct restart_plan *, int *, char *, size_t);
int	 restart_pidfd_signal(int, int);
int	 restart_exec(const struct restart_plan *, int *, char *, size_t);
int	 restart_supervised(const struct restart_plan *, int *, char *, size_t);
int	 restart_systemctl(const struct restart_plan *, char *, size_t);

#endif
