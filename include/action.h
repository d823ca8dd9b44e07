/*
 * Actions on processes. Each action is one file in src/action/ exporting
 * one const struct action, listed in action_table; the screen finds them
 * there by key, asks refuse() whether they may run on the selected or
 * tagged processes, and gathers what they need (a signal, a confirmation)
 * before calling them. Targets carry the start time the user saw, so a PID
 * reused since then is never acted on.
 */
#ifndef VIGIL_ACTION_H
#define VIGIL_ACTION_H

#include <sched.h>
#include <stddef.h>

struct action_target {
	int			 pid;
	unsigned long long	 start;	/* as the user saw it */
	char			 comm[64];
	int			 thread; /* one thread's row (H), not its process */
};

struct action {
	const char	*name;
	int		 key;		/* htop's key for the same thing */
	int		 fkey;		/* F-key number, 0 for none */
	const char	*help;
	/* NULL if the action may run on these targets, else why not. */
	const char	*(*refuse)(const struct action_target *, size_t);
};

extern const struct action	 action_kill;
extern const struct action	 action_profile;
extern const struct action	 action_restart;
extern const struct action	 action_nice_lower;
extern const struct action	 action_nice_raise;
extern const struct action	 action_affinity;
extern const struct action	 action_ioprio;
extern const struct action	 action_strace;
extern const struct action	 action_files;
extern const struct action	*action_table[];

const struct action	*action_find(int);
const char		*action_readonly_refusal(void);
void			 action_set_replay(int);
const char		*action_target_gone(const struct action_target *);

/* Signals. */
struct action_signal {
	int		 signo;
	const char	*name;
};
extern const struct action_signal	action_signals[];
extern const size_t			action_nsignals;

int	action_kill_one(const struct action_target *, int, char *, size_t);
int	action_needs_second_confirm(const struct action_target *, size_t);

/*
 * Scheduling: nice, CPU affinity, I/O priority. Each is per thread in
 * Linux, so a process target is changed on every one of its threads (a
 * thread target on that thread alone), through its /proc/PID directory
 * checked against the start time first. Each returns 0 with what was and
 * what is now read back in the result; 1 when there is nothing to change;
 * -1. The reason for 1 and -1 is in err, in the user's terms.
 */
#define ACTION_NICE_MIN		(-20)
#define ACTION_NICE_MAX		19

struct action_sched {
	int	 ntasks;		/* threads changed */
	int	 nfailed;		/* threads that refused */
	char	 before[64];		/* "0", "0-1", "best-effort 4" */
	char	 after[64];		/* as read back afterwards */
};

int	action_renice_one(const struct action_target *, int,
	    struct action_sched *, char *, size_t);
int	action_affinity_get(const struct action_target *, cpu_set_t *,
	    size_t, char *, size_t);
int	action_affinity_one(const struct action_target *, const cpu_set_t *,
	    size_t, struct action_sched *, char *, size_t);
int	action_ioprio_get(const struct action_target *, int *, char *,
	    size_t);
int	action_ioprio_one(const struct action_target *, int,
	    struct action_sched *, char *, size_t);
int	action_ioprio_value(int, int);

#endif
