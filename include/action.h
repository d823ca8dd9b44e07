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

#include <stddef.h>

struct action_target {
	int			 pid;
	unsigned long long	 start;	/* as the user saw it */
	char			 comm[64];
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
extern const struct action	 action_strace;
extern const struct action	 action_files;
extern const struct action	*action_table[];

const struct action	*action_find(int);
const char		*action_readonly_refusal(void);
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

#endif
