/*
 * One command-line grammar for vigil and each of its subcommands, on top
 * of getopt_long: options and operands in any order (as GNU tools take
 * them), "--" ends the options, and a command that runs another command
 * (vigil run, vigil heaptrack --run) stops at its first operand, since
 * what follows belongs to that command. Options are handed back in the
 * order given and operands with them (CMDLINE_OPERAND), so argv is never
 * permuted: cmdline_rest() is the command's argv as typed.
 *
 * Errors (unknown option, missing value, an option given a value it does
 * not take) come back as '?' with the message in cl->err, worded the
 * same for every subcommand; cmdline_fail() prints one with the hint to
 * the subcommand's --help. struct cmdline borrows argv and the tables.
 */
#ifndef VIGIL_CMDLINE_H
#define VIGIL_CMDLINE_H

#include <getopt.h>
#include <stddef.h>

#define CMDLINE_OPERAND	1

struct cmdline {
	const char		*cmd;		/* "heap"; NULL: vigil itself */
	const struct option	*longopts;
	int			 argc;
	char			**argv;
	const char		*arg;		/* the option's value, operand */
	char			 err[256];
	char			 opts[64];	/* for getopt: "-:" shortopts */
	int			 ind;		/* next operand after "--" */
	int			 dashdash;
};

void	 cmdline_init(struct cmdline *, const char *, int, char **,
	     const char *, const struct option *);
int	 cmdline_next(struct cmdline *);
char	**cmdline_rest(struct cmdline *, int *);
int	 cmdline_error(struct cmdline *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
int	 cmdline_fail(const char *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
int	 cmdline_pid(const char *, int *);

#endif
