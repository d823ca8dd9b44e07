/* Open files: the selected process's descriptors, as lsof lists them (L). */

#include "vigil.h"

#include "action.h"

static const char	*files_refuse(const struct action_target *, size_t);

/* Allowed under --readonly: it reads /proc and changes nothing. */
const struct action action_files = {
	.name = "files",
	.key = 'L',
	.fkey = 0,
	.help = N_("open files of the selected process, sockets by their addresses (lsof)"),
	.refuse = files_refuse,
};

static const char *
files_refuse(const struct action_target *t, size_t n)
{
	if (n == 0)
		return (_("no process selected"));
	return (action_target_gone(t));
}
