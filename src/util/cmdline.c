/* One command-line grammar: getopt_long in order, operands handed back. */

#include "vigil.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static const struct option *cmdline_long(const struct cmdline *,
		    const char *, size_t *);
static int	cmdline_bad(struct cmdline *, int);

/*
 * argv[0] is the command's name ("vigil", "heap"); shortopts as getopt
 * takes them, without a leading '+', '-' or ':'.
 */
void
cmdline_init(struct cmdline *cl, const char *cmd, int argc, char **argv,
    const char *shortopts, const struct option *longopts)
{
	memset(cl, 0, sizeof *cl);
	cl->cmd = cmd;
	cl->argc = argc;
	cl->argv = argv;
	cl->longopts = longopts;
	/* "-": operands in order, as option 1; ":": a missing value is ':'. */
	snprintf(cl->opts, sizeof cl->opts, "-:%s", shortopts);
	optind = 0;	/* glibc: start again, with this optstring */
	opterr = 0;
}

/*
 * The next option (its value in cl->arg), CMDLINE_OPERAND with the
 * operand in cl->arg, -1 at the end, or '?' with a message in cl->err.
 */
int
cmdline_next(struct cmdline *cl)
{
	int	c;

	if (!cl->dashdash) {
		cl->arg = NULL;
		c = getopt_long(cl->argc, cl->argv, cl->opts, cl->longopts,
		    NULL);
		cl->arg = optarg;
		if (c == '?' || c == ':')
			return (cmdline_bad(cl, c));
		if (c != -1)
			return (c);
		/* In order, getopt stops only at the end or after "--". */
		cl->dashdash = 1;
		cl->ind = optind;
	}
	if (cl->ind >= cl->argc)
		return (-1);
	cl->arg = cl->argv[cl->ind++];
	return (CMDLINE_OPERAND);
}

/*
 * After an operand: it and every word after it, unparsed (the command
 * vigil run starts). Also at the end: nothing (*argc 0).
 */
char **
cmdline_rest(struct cmdline *cl, int *argc)
{
	int	first;

	if (cl->dashdash)
		first = cl->ind - (cl->arg != NULL && cl->ind > 0 &&
		    cl->argv[cl->ind - 1] == cl->arg);
	else
		first = optind - (cl->arg != NULL && optind > 0 &&
		    cl->argv[optind - 1] == cl->arg);
	if (first > cl->argc)
		first = cl->argc;
	*argc = cl->argc - first;
	return (cl->argv + first);
}

/* The long option a "--name[=value]" word names, or NULL. */
static const struct option *
cmdline_long(const struct cmdline *cl, const char *word, size_t *n)
{
	const struct option	*o;

	*n = strcspn(word + 2, "=");
	for (o = cl->longopts; o != NULL && o->name != NULL; o++) {
		if (strncmp(o->name, word + 2, *n) == 0)
			return (o);
	}
	return (NULL);
}

/*
 * The message for what getopt refused, in one wording for all commands.
 * A short letter may sit inside a cluster (-xb) that optind has not left,
 * so the word before it can be anything: the letter is named by optopt,
 * unless that word is the long option whose value optopt is.
 */
static int
cmdline_bad(struct cmdline *cl, int c)
{
	const struct option	*o = NULL;
	const char		*word = cl->argv[optind - 1];
	size_t			 n = 0;
	int			 islong;

	if (strncmp(word, "--", 2) == 0 && word[2] != '\0')
		o = cmdline_long(cl, word, &n);
	islong = strncmp(word, "--", 2) == 0 && (optopt == 0 ||
	    (o != NULL && o->flag == NULL && o->val == optopt));
	if (!islong && optopt > 0 && optopt < 256)
		return (cmdline_error(cl, c == ':' ?
		    _("option '-%c' needs a value") :
		    _("unknown option '-%c'"), optopt));
	if (c == ':')
		return (cmdline_error(cl, _("option '%s' needs a value"),
		    word));
	if (o != NULL && word[2 + n] == '=' && o->has_arg == no_argument)
		return (cmdline_error(cl, _("option '--%s' takes no value"),
		    o->name));
	return (cmdline_error(cl, _("unknown option '%s'"), word));
}

/* A message into cl->err; returns '?', as cmdline_next() does. */
int
cmdline_error(struct cmdline *cl, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(cl->err, sizeof cl->err, fmt, ap);
	va_end(ap);
	return ('?');
}

/*
 * "vigil CMD: message" and the hint to CMD's --help on standard error;
 * returns 2, the exit status of a usage error.
 */
int
cmdline_fail(const char *cmd, const char *fmt, ...)
{
	va_list	ap;

	if (cmd != NULL)
		fprintf(stderr, "vigil %s: ", cmd);
	else
		fputs("vigil: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd != NULL)
		fprintf(stderr, _("Try 'vigil %s --help' for more "
		    "information.\n"), cmd);
	else
		fprintf(stderr, _("Try 'vigil --help' for more "
		    "information.\n"));
	return (2);
}

/* A PID: decimal, 1 to INT_MAX. */
int
cmdline_pid(const char *s, int *pid)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return (-1);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1 || v > INT_MAX)
		return (-1);
	*pid = v;
	return (0);
}
