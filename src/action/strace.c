/* strace: the selected process's system calls in a pane (s). */

#include "vigil.h"

#include <unistd.h>

#include "action.h"

static const char	*strace_refuse(const struct action_target *, size_t);

/*
 * Refused under --readonly, as the profiler is: it only observes, but
 * ptrace stops the target at every system call, which slows it.
 */
const struct action action_strace = {
	.name = "strace",
	.key = 's',
	.fkey = 0,
	.help = N_("strace the selected process in a pane (s or Esc stops it)"),
	.refuse = strace_refuse,
};

/* One process, not vigil (it would trace its own screen), still there. */
static const char *
strace_refuse(const struct action_target *t, size_t n)
{
	if (n == 0)
		return (_("no process selected"));
	if (t->pid == getpid())
		return (_("vigil does not trace itself"));
	return (action_target_gone(t));
}
