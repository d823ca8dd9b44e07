/*
 * The configuration that batch mode and the monitor share, read once at
 * start from the file config_read_path() names (the user's file, else the
 * system's). Alarm rules ("alarm NAME: RULE" or "alarm = NAME: RULE"), log
 * sources ("log = PATH") and the ring size per source ("log_lines = N") go
 * into struct options, the file's before the command line's. The screen's
 * settings (sort, tree, delay) go into struct options too, but only for
 * the monitor and only where the command line did not set them; the
 * column list is kept as text for the screen, which knows the columns.
 *
 * Every bad line is kept as "FILE:LINE: reason" in errors, and the other
 * lines still apply: a bad alarm rule is left out, the others load.
 * config_save() writes one setting into the user's file through
 * rcfile_set() (a temporary file renamed), and refuses to touch a file
 * with a line it cannot parse. The struct owns its strings.
 */
#ifndef VIGIL_CONFIGFILE_H
#define VIGIL_CONFIGFILE_H

#include <stddef.h>

struct options;

#define CONFIG_SYSTEM_PATH	"/etc/vigil/vigilrc"

struct config {
	char		*path;		/* the file read, or NULL */
	char		*columns;	/* "columns =", for the screen; or NULL */
	char		*io_columns;	/* "io_columns =", the I/O screen's */
	char		**errors;	/* "FILE:LINE: reason" */
	size_t		 nerrors;
};

/* Checks a column list for the screen; 0 when it is good. */
typedef int (*config_columns_check)(const char *);

void	 config_load(struct config *, struct options *, int,
	     config_columns_check);
void	 config_free(struct config *);
int	 config_apply(struct config *, struct options *, int, const char *,
	     const char *, char *, size_t);
char	*config_read_path(void);
char	*config_state_path(const char *);
int	 config_save(const char *, const char *, config_columns_check, char *,
	     size_t);

#endif
