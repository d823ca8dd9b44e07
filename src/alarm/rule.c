/* Alarm rule parser. */

/*
 * One rule per string, as it appears after "alarm " in the configuration
 * file or in --alarm 'RULE':
 *
 *	rule	  = NAME ':' condition [ 'for' DURATION ]
 *		    [ 'where' filter { 'and' filter } ]
 *		    [ 'severity' ( 'info' | 'warn' | 'crit' ) ]
 *		    [ 'quiet' DURATION ]			(log rules)
 *	condition = METRIC OP VALUE
 *		  | 'log' '~' REGEX 'in' PATH
 *		  | 'proc.missing'
 *		  | 'proc.state' ( '=' LETTER | '~' LETTERS )
 *	filter	  = ( 'comm' | 'cmdline' | 'user' ) '~' REGEX
 *	OP	  = '>' | '>=' | '<' | '<='
 *	DURATION  = NUMBER UNIT { NUMBER UNIT }	10s, 2m, 1m30s, 500ms
 *	UNIT	  = 'us' | 'ms' | 's' | 'm' | 'min' | 'h' | 'd'
 *			(src/util/duration.c, as every option taking a time)
 *	REGEX	  = '/' PCRE2 '/' [ 'i' ]	\/ is a literal slash; a
 *			trailing i ignores case, else case matters
 *	NAME	  = letters, digits, '.', '_' and '-'
 *	PATH	  = the following run of non-blank characters
 *
 * Blanks (spaces, tabs) separate words and may surround ':', OP and '~'.
 * The clauses after the condition may come in any order, each once.
 * Numbers are decimal, with an optional fraction, never negative.
 *
 *	metric		VALUE				compared
 *	proc.cpu	90% or 90			% of one core
 *	proc.rss	2G, 512M, 100K, 1T, 4096	bytes (K = 1024)
 *	proc.rss_growth	50M/min, 1M/s, 1G/h		bytes per time
 *	proc.threads	64				count
 *	proc.fds	1000				open files, count
 *	sys.cpu		80%				busy % of all CPUs
 *	sys.mem		90%				used (total - available)
 *	sys.swap	50%				used swap
 *	sys.load1	4, or 2x cpus			1-minute load average
 *	sys.psi.cpu, sys.psi.memory, sys.psi.io	10%	"some" avg10
 *
 * 'where' applies to proc.* rules only; proc.missing needs one. 'for' does
 * not apply to log rules (a matching line fires at once); 'quiet' applies
 * only to them: the alarm resolves once no line has matched for that long
 * (60 s unless given). The severity is warn unless given. Examples:
 *
 *	hot-cpu: proc.cpu > 90% for 10s
 *	leak:    proc.rss_growth > 50M/min for 2m where comm ~ /^java$/
 *	big:     proc.rss > 2G severity crit
 *	panic:   log ~ /panic|FATAL|Traceback/ in /var/log/app.log
 *	gone:    proc.missing where cmdline ~ /nginx: master/
 *	swap:    sys.swap > 50%
 *	load:    sys.load1 > 2x cpus for 1m
 *
 * On an error, alarm_parse() returns NULL and says what is wrong and at
 * which column (counted from 1 in the rule text).
 */

#include "vigil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "buf.h"
#include "duration.h"
#include "rx.h"
#include "xalloc.h"

enum rule_unit { RU_PCT, RU_SIZE, RU_RATE, RU_COUNT, RU_LOAD, RU_NONE };

struct rule_tok {
	const char	*s;
	size_t		 len;
};

struct rule_parse {
	const char		*text;
	const char		*p;
	char			*err;
	size_t			 errlen;
	struct alarm_rule	*r;
	char			 got[48];	/* rule_got() */
};

static int		 rule_error(struct rule_parse *, const char *,
			     const char *, ...)
			     __attribute__((format(printf, 3, 4)));
static void		 rule_space(struct rule_parse *);
static int		 rule_word_char(char);
static struct rule_tok	 rule_word(struct rule_parse *);
static struct rule_tok	 rule_blank_tok(const char *);
static int		 rule_tok_is(struct rule_tok, const char *);
static const char	*rule_got(struct rule_parse *, const char *);
static int		 rule_number(const char **, double *);
static int		 rule_size_unit(const char *, size_t, double *);
static int		 rule_name(struct rule_parse *);
static int		 rule_condition(struct rule_parse *);
static int		 rule_compare(struct rule_parse *, const char *,
			     enum rule_unit);
static int		 rule_value(struct rule_parse *, const char *,
			     enum rule_unit);
static int		 rule_state(struct rule_parse *);
static int		 rule_log(struct rule_parse *);
static int		 rule_regex(struct rule_parse *, struct rx **);
static int		 rule_tail(struct rule_parse *);
static int		 rule_duration(struct rule_parse *, const char *,
			     double *);
static int		 rule_filters(struct rule_parse *);
static int		 rule_severity(struct rule_parse *);

static const struct {
	const char		*name;
	enum alarm_metric	 metric;
	enum rule_unit		 unit;
} rule_metrics[] = {
	{ "proc.cpu",		AM_PROC_CPU,		RU_PCT },
	{ "proc.rss",		AM_PROC_RSS,		RU_SIZE },
	{ "proc.rss_growth",	AM_PROC_RSS_GROWTH,	RU_RATE },
	{ "proc.threads",	AM_PROC_THREADS,	RU_COUNT },
	{ "proc.fds",		AM_PROC_FDS,		RU_COUNT },
	{ "proc.state",		AM_PROC_STATE,		RU_NONE },
	{ "proc.missing",	AM_PROC_MISSING,	RU_NONE },
	{ "sys.cpu",		AM_SYS_CPU,		RU_PCT },
	{ "sys.mem",		AM_SYS_MEM,		RU_PCT },
	{ "sys.swap",		AM_SYS_SWAP,		RU_PCT },
	{ "sys.load1",		AM_SYS_LOAD1,		RU_LOAD },
	{ "sys.psi.cpu",	AM_SYS_PSI_CPU,		RU_PCT },
	{ "sys.psi.memory",	AM_SYS_PSI_MEM,		RU_PCT },
	{ "sys.psi.io",		AM_SYS_PSI_IO,		RU_PCT },
	{ "log",		AM_LOG,			RU_NONE },
};

/* Letters /proc/PID/stat can show, as ps(1) lists them. */
#define RULE_STATES	"RSDZTtWXxIPK"

/* The message, then where: the caller's buffer gets both. */
static int
rule_error(struct rule_parse *ps, const char *at, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	if (ps->err == NULL || ps->errlen == 0)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, _("%s (column %d)"), msg,
	    (int)(at - ps->text) + 1);
	return (-1);
}

static void
rule_space(struct rule_parse *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static int
rule_word_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
}

/* A word after blanks; empty if none starts here. */
static struct rule_tok
rule_word(struct rule_parse *ps)
{
	struct rule_tok	t;

	rule_space(ps);
	t.s = ps->p;
	while (rule_word_char(*ps->p))
		ps->p++;
	t.len = ps->p - t.s;
	return (t);
}

/* What stands at s up to the next blank, to quote in a message. */
static struct rule_tok
rule_blank_tok(const char *s)
{
	struct rule_tok	t;

	t.s = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	t.len = s - t.s;
	if (t.len > 40)
		t.len = 40;
	return (t);
}

static int
rule_tok_is(struct rule_tok t, const char *word)
{
	return (t.len == strlen(word) && strncmp(t.s, word, t.len) == 0);
}

/* What stands at s, quoted, or that the rule ended, for "got %s". */
static const char *
rule_got(struct rule_parse *ps, const char *s)
{
	struct rule_tok	t;

	if (*s == '\0')
		return (_("the end of the rule"));
	t = rule_blank_tok(s);
	snprintf(ps->got, sizeof ps->got, "'%.*s'", (int)t.len, t.s);
	return (ps->got);
}

/* A decimal number (digits, optional fraction); sign and exponent refused. */
static int
rule_number(const char **sp, double *v)
{
	const char	*s = *sp;
	double		 scale;

	if (*s < '0' || *s > '9')
		return (-1);
	*v = 0;
	while (*s >= '0' && *s <= '9')
		*v = *v * 10 + (*s++ - '0');
	if (*s == '.' && s[1] >= '0' && s[1] <= '9') {
		s++;
		for (scale = 0.1; *s >= '0' && *s <= '9'; scale /= 10)
			*v += (*s++ - '0') * scale;
	}
	*sp = s;
	return (0);
}

/* K, M, G, T (binary), optionally followed by B or iB; none is bytes. */
static int
rule_size_unit(const char *u, size_t len, double *mult)
{
	const char	*units = "KMGT";
	const char	*c;
	int		 i;

	*mult = 1;
	if (len == 0 || (len == 1 && u[0] == 'B'))
		return (0);
	if ((c = strchr(units, u[0])) == NULL)
		return (-1);
	if (!(len == 1 || (len == 2 && u[1] == 'B') ||
	    (len == 3 && u[1] == 'i' && u[2] == 'B')))
		return (-1);
	for (i = 0; i <= c - units; i++)
		*mult *= 1024;
	return (0);
}

struct alarm_rule *
alarm_parse(const char *text, char *err, size_t errlen)
{
	struct rule_parse	 ps;

	ps.text = ps.p = text;
	ps.err = err;
	ps.errlen = errlen;
	ps.r = xcalloc(1, sizeof *ps.r);
	ps.r->severity = SEV_WARN;
	if (rule_name(&ps) != 0 || rule_condition(&ps) != 0 ||
	    rule_tail(&ps) != 0) {
		alarm_rule_free(ps.r);
		return (NULL);
	}
	return (ps.r);
}

/*
 * A group of processes, as "group NAME: MATCHER" names one for vigil serve:
 * a rule name, ':', then the 'where' clause's filters (comm, cmdline or
 * user ~ REGEX, joined by 'and'), so groups and alarms select processes
 * with one grammar. The rule's metric is not used.
 */
struct alarm_rule *
alarm_parse_group(const char *text, char *err, size_t errlen)
{
	struct rule_parse	 ps;

	ps.text = ps.p = text;
	ps.err = err;
	ps.errlen = errlen;
	ps.r = xcalloc(1, sizeof *ps.r);
	ps.r->metric = AM_PROC_MISSING;
	if (rule_name(&ps) != 0 || rule_filters(&ps) != 0) {
		alarm_rule_free(ps.r);
		return (NULL);
	}
	rule_space(&ps);
	if (*ps.p != '\0') {
		rule_error(&ps, ps.p, _("unexpected %s; expected 'and'"),
		    rule_got(&ps, ps.p));
		alarm_rule_free(ps.r);
		return (NULL);
	}
	return (ps.r);
}

void
alarm_rule_free(struct alarm_rule *r)
{
	size_t	i;

	if (r == NULL)
		return;
	free(r->name);
	rx_free(r->log_rx);
	free(r->log_path);
	for (i = 0; i < r->nfilters; i++)
		rx_free(r->filters[i].rx);
	free(r->filters);
	free(r);
}

/* The metric as rules spell it: "sys.load1". */
const char *
alarm_metric_name(enum alarm_metric metric)
{
	size_t	i;

	for (i = 0; i < nitems(rule_metrics); i++) {
		if (rule_metrics[i].metric == metric)
			return (rule_metrics[i].name);
	}
	return ("?");
}

const char *
alarm_rule_name(const struct alarm_rule *r)
{
	return (r->name);
}

enum alarm_severity
alarm_rule_severity(const struct alarm_rule *r)
{
	return (r->severity);
}

static int
rule_name(struct rule_parse *ps)
{
	struct rule_tok	t;

	t = rule_word(ps);
	if (t.len == 0) {
		if (*ps->p == ':')
			return (rule_error(ps, ps->p,
			    _("missing the rule name before ':'")));
		if (*ps->p == '\0')
			return (rule_error(ps, ps->p, _("empty rule")));
		return (rule_error(ps, ps->p,
		    _("a rule name has letters, digits, '.', '_' and '-', "
		    "got %s"), rule_got(ps, ps->p)));
	}
	rule_space(ps);
	if (*ps->p != ':')
		return (rule_error(ps, ps->p,
		    _("missing ':' after the rule name")));
	ps->p++;
	ps->r->name = xstrndup(t.s, t.len);
	return (0);
}

static int
rule_condition(struct rule_parse *ps)
{
	struct rule_tok	t;
	size_t		i;

	t = rule_word(ps);
	if (t.len == 0)
		return (rule_error(ps, ps->p,
		    _("expected a metric after ':', got %s"),
		    rule_got(ps, ps->p)));
	for (i = 0; i < nitems(rule_metrics); i++) {
		if (rule_tok_is(t, rule_metrics[i].name))
			break;
	}
	if (i == nitems(rule_metrics))
		return (rule_error(ps, t.s, _("unknown metric '%.*s'"),
		    (int)t.len, t.s));
	ps->r->metric = rule_metrics[i].metric;
	switch (ps->r->metric) {
	case AM_LOG:
		return (rule_log(ps));
	case AM_PROC_STATE:
		return (rule_state(ps));
	case AM_PROC_MISSING:
		return (0);
	default:
		return (rule_compare(ps, rule_metrics[i].name,
		    rule_metrics[i].unit));
	}
}

static int
rule_compare(struct rule_parse *ps, const char *metric, enum rule_unit unit)
{
	const char	*at;

	rule_space(ps);
	at = ps->p;
	if (at[0] == '>' || at[0] == '<') {
		if (at[1] == '=') {
			ps->r->op = at[0] == '>' ? AO_GE : AO_LE;
			ps->p += 2;
		} else {
			ps->r->op = at[0] == '>' ? AO_GT : AO_LT;
			ps->p++;
		}
	} else
		return (rule_error(ps, at,
		    _("expected >, >=, < or <= after '%s', got %s"),
		    metric, rule_got(ps, at)));
	rule_space(ps);
	return (rule_value(ps, metric, unit));
}

/* The number and its unit, checked against the metric's kind. */
static int
rule_value(struct rule_parse *ps, const char *metric, enum rule_unit unit)
{
	struct alarm_rule	*r = ps->r;
	struct rule_tok		 u, w;
	const char		*at = ps->p, *slash;
	double			 mult;

	if (rule_number(&ps->p, &r->value) != 0)
		return (rule_error(ps, at,
		    _("expected a number after the comparison, got %s"),
		    rule_got(ps, at)));
	u = rule_blank_tok(ps->p);
	ps->p += u.len;
	switch (unit) {
	case RU_PCT:
		if (u.len == 0 || rule_tok_is(u, "%"))
			return (0);
		break;
	case RU_COUNT:
		if (u.len == 0)
			return (0);
		break;
	case RU_SIZE:
		if (rule_size_unit(u.s, u.len, &mult) != 0)
			break;
		r->value *= mult;
		return (0);
	case RU_LOAD:
		if (u.len == 0)
			return (0);
		if (!rule_tok_is(u, "x"))
			break;
		w = rule_word(ps);
		if (!rule_tok_is(w, "cpus") && !rule_tok_is(w, "cpu"))
			return (rule_error(ps, w.s,
			    _("expected 'cpus' after '%.*s', got %s"),
			    (int)(u.s + u.len - at), at, rule_got(ps, w.s)));
		r->per_cpu = 1;
		return (0);
	case RU_RATE:
		slash = memchr(u.s, '/', u.len);
		if (slash == NULL)
			return (rule_error(ps, at,
			    _("%s needs a rate such as 50M/min, got %s"),
			    metric, rule_got(ps, at)));
		if (rule_size_unit(u.s, slash - u.s, &mult) != 0) {
			u.len = slash - u.s;
			break;
		}
		w.s = slash + 1;
		w.len = u.s + u.len - w.s;
		if (rule_tok_is(w, "s"))
			r->rate_unit = 1;
		else if (rule_tok_is(w, "min") || rule_tok_is(w, "m"))
			r->rate_unit = 60;
		else if (rule_tok_is(w, "h"))
			r->rate_unit = 3600;
		else
			return (rule_error(ps, w.s,
			    _("unknown time unit '%.*s' in the rate "
			    "(use s, min or h)"), (int)w.len, w.s));
		r->value = r->value * mult / r->rate_unit;
		return (0);
	case RU_NONE:
		break;
	}
	return (rule_error(ps, u.s, _("unit '%.*s' does not fit %s"),
	    (int)u.len, u.s, metric));
}

static int
rule_state(struct rule_parse *ps)
{
	struct rule_tok	 t;
	const char	*at;
	char		 op;
	size_t		 i;

	rule_space(ps);
	at = ps->p;
	op = *at;
	if (op != '=' && op != '~')
		return (rule_error(ps, at,
		    _("expected '=' or '~' after 'proc.state', got %s"),
		    rule_got(ps, at)));
	ps->p++;
	t = rule_word(ps);
	if (t.len == 0)
		return (rule_error(ps, t.s,
		    _("expected process state letters after '%c', got %s"),
		    op, rule_got(ps, t.s)));
	if (op == '=' && t.len > 1)
		return (rule_error(ps, t.s,
		    _("'=' takes one state letter, got '%.*s'; use '~' for "
		    "several"), (int)t.len, t.s));
	if (t.len >= sizeof ps->r->states)
		return (rule_error(ps, t.s, _("too many state letters")));
	for (i = 0; i < t.len; i++) {
		if (strchr(RULE_STATES, t.s[i]) == NULL)
			return (rule_error(ps, t.s + i,
			    _("unknown process state '%c' (use letters of %s)"),
			    t.s[i], RULE_STATES));
	}
	memcpy(ps->r->states, t.s, t.len);
	return (0);
}

static int
rule_log(struct rule_parse *ps)
{
	struct rule_tok	t;

	rule_space(ps);
	if (*ps->p != '~')
		return (rule_error(ps, ps->p,
		    _("expected '~' after 'log', got %s"),
		    rule_got(ps, ps->p)));
	ps->p++;
	if (rule_regex(ps, &ps->r->log_rx) != 0)
		return (-1);
	t = rule_word(ps);
	if (!rule_tok_is(t, "in"))
		return (rule_error(ps, t.s,
		    _("expected 'in PATH' after the regex, got %s"),
		    rule_got(ps, t.s)));
	rule_space(ps);
	t = rule_blank_tok(ps->p);
	if (t.len == 0)
		return (rule_error(ps, ps->p,
		    _("missing the log file path after 'in'")));
	while (*ps->p != '\0' && *ps->p != ' ' && *ps->p != '\t')
		ps->p++;
	ps->r->log_path = xstrndup(t.s, ps->p - t.s);
	return (0);
}

/* /PATTERN/ or /PATTERN/i, with \/ standing for a slash. */
static int
rule_regex(struct rule_parse *ps, struct rx **out)
{
	struct buf	 b = BUF_INITIALIZER;
	const char	*open;
	char		 msg[256];
	int		 flags = 0;

	rule_space(ps);
	open = ps->p;
	if (*open != '/')
		return (rule_error(ps, open,
		    _("expected /REGEX/ after '~', got %s"),
		    rule_got(ps, open)));
	buf_adds(&b, "");
	for (ps->p++; *ps->p != '/'; ps->p++) {
		if (*ps->p == '\0') {
			buf_free(&b);
			return (rule_error(ps, open,
			    _("regex not closed: missing '/'")));
		}
		if (ps->p[0] == '\\' && ps->p[1] == '/')
			ps->p++;
		else if (ps->p[0] == '\\' && ps->p[1] != '\0')
			buf_addc(&b, *ps->p++);
		buf_addc(&b, *ps->p);
	}
	ps->p++;
	if (*ps->p == 'i' && !rule_word_char(ps->p[1])) {
		flags = RX_ICASE;
		ps->p++;
	}
	if (b.len == 0) {
		buf_free(&b);
		return (rule_error(ps, open, _("empty regex")));
	}
	*out = rx_compile(buf_str(&b), flags, msg, sizeof msg);
	buf_free(&b);
	if (*out == NULL)
		return (rule_error(ps, open, _("regex: %s"), msg));
	return (0);
}

/* The clauses after the condition, in any order, each once. */
static int
rule_tail(struct rule_parse *ps)
{
	struct rule_tok	t;
	int		seen_for = 0, seen_where = 0, seen_sev = 0,
			seen_quiet = 0, *seen;

	for (;;) {
		t = rule_word(ps);
		if (t.len == 0 && *ps->p == '\0')
			break;
		if (rule_tok_is(t, "for"))
			seen = &seen_for;
		else if (rule_tok_is(t, "where"))
			seen = &seen_where;
		else if (rule_tok_is(t, "severity"))
			seen = &seen_sev;
		else if (rule_tok_is(t, "quiet"))
			seen = &seen_quiet;
		else
			return (rule_error(ps, t.s,
			    _("unexpected %s; expected 'for', 'where' or "
			    "'severity'"), rule_got(ps, t.s)));
		if (*seen)
			return (rule_error(ps, t.s, _("'%.*s' given twice"),
			    (int)t.len, t.s));
		*seen = 1;
		if (seen == &seen_for) {
			if (ps->r->metric == AM_LOG)
				return (rule_error(ps, t.s,
				    _("'for' does not apply to log rules")));
			if (rule_duration(ps, "for", &ps->r->dur) != 0)
				return (-1);
		} else if (seen == &seen_quiet) {
			if (ps->r->metric != AM_LOG)
				return (rule_error(ps, t.s,
				    _("'quiet' applies only to log rules")));
			if (rule_duration(ps, "quiet", &ps->r->quiet) != 0)
				return (-1);
		} else if (seen == &seen_where) {
			if (ps->r->metric >= AM_SYS_CPU)
				return (rule_error(ps, t.s,
				    _("'where' applies only to proc.* rules")));
			if (rule_filters(ps) != 0)
				return (-1);
		} else if (rule_severity(ps) != 0)
			return (-1);
	}
	if (ps->r->metric == AM_PROC_MISSING && ps->r->nfilters == 0)
		return (rule_error(ps, ps->p,
		    _("proc.missing needs a 'where' filter")));
	return (0);
}

static int
rule_duration(struct rule_parse *ps, const char *word, double *out)
{
	struct rule_tok	 u;
	const char	*at;
	double		 v;

	rule_space(ps);
	at = ps->p;
	u = rule_blank_tok(at);
	if (duration_parse_len(u.s, u.len, DURATION_NO_BARE, &v) == 0) {
		ps->p += u.len;
		*out = v;
		return (0);
	}
	return (rule_error(ps, at,
	    _("expected a duration after '%s' (10s, 2m, 1h), got %s"),
	    word, rule_got(ps, at)));
}

static int
rule_filters(struct rule_parse *ps)
{
	struct alarm_rule	*r = ps->r;
	struct alarm_filter	*f;
	struct rule_tok		 t;
	const char		*save;
	enum alarm_field	 field;

	for (;;) {
		t = rule_word(ps);
		if (rule_tok_is(t, "comm"))
			field = AF_COMM;
		else if (rule_tok_is(t, "cmdline"))
			field = AF_CMDLINE;
		else if (rule_tok_is(t, "user"))
			field = AF_USER;
		else
			return (rule_error(ps, t.s,
			    _("expected comm, cmdline or user as a filter, "
			    "got %s"), rule_got(ps, t.s)));
		rule_space(ps);
		if (*ps->p != '~')
			return (rule_error(ps, ps->p,
			    _("expected '~' after '%.*s', got %s"),
			    (int)t.len, t.s, rule_got(ps, ps->p)));
		ps->p++;
		r->filters = xreallocarray(r->filters, r->nfilters + 1,
		    sizeof *r->filters);
		f = &r->filters[r->nfilters];
		f->field = field;
		f->rx = NULL;
		if (rule_regex(ps, &f->rx) != 0)
			return (-1);
		r->nfilters++;

		save = ps->p;
		t = rule_word(ps);
		if (!rule_tok_is(t, "and")) {
			ps->p = save;
			return (0);
		}
	}
}

static int
rule_severity(struct rule_parse *ps)
{
	struct rule_tok	t;

	t = rule_word(ps);
	if (rule_tok_is(t, "info"))
		ps->r->severity = SEV_INFO;
	else if (rule_tok_is(t, "warn"))
		ps->r->severity = SEV_WARN;
	else if (rule_tok_is(t, "crit"))
		ps->r->severity = SEV_CRIT;
	else if (t.len == 0)
		return (rule_error(ps, t.s,
		    _("expected info, warn or crit after 'severity', got %s"),
		    rule_got(ps, t.s)));
	else
		return (rule_error(ps, t.s,
		    _("unknown severity '%.*s' (use info, warn or crit)"),
		    (int)t.len, t.s));
	return (0);
}
