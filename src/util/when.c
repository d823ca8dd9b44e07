/* Moments: ISO 8601, a time of day, "now", "3h ago", "@EPOCH". */

#include "vigil.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"
#include "when.h"
#include "xalloc.h"

/* n digits at *s into *v, advancing; -1 if they are not there. */
static int
when_digits(const char **s, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return (-1);
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return (0);
}

/* HH:MM[:SS[.fff]] into tm and *frac. */
static int
when_clock(const char **s, struct tm *tm, double *frac)
{
	int	v;

	if (when_digits(s, 2, &tm->tm_hour) != 0 || **s != ':')
		return (-1);
	(*s)++;
	if (when_digits(s, 2, &tm->tm_min) != 0)
		return (-1);
	if (**s == ':') {
		(*s)++;
		if (when_digits(s, 2, &tm->tm_sec) != 0)
			return (-1);
		if (**s == '.' || **s == ',') {
			double	scale = 0.1;

			(*s)++;
			if (!isdigit((unsigned char)**s))
				return (-1);
			while (isdigit((unsigned char)**s)) {
				when_digits(s, 1, &v);
				*frac += v * scale;
				scale /= 10;
			}
		}
	}
	if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
		return (-1);
	return (0);
}

/* Z, +HH, +HH:MM, +HHMM: seconds east of UTC into *off. */
static int
when_zone(const char **s, long *off)
{
	int	sign, h, m = 0;

	if (**s == 'Z' || **s == 'z') {
		(*s)++;
		*off = 0;
		return (0);
	}
	if (**s != '+' && **s != '-')
		return (-1);
	sign = **s == '-' ? -1 : 1;
	(*s)++;
	if (when_digits(s, 2, &h) != 0)
		return (-1);
	if (**s == ':')
		(*s)++;
	if (isdigit((unsigned char)**s) && when_digits(s, 2, &m) != 0)
		return (-1);
	if (h > 23 || m > 59)
		return (-1);
	*off = sign * (h * 3600L + m * 60L);
	return (0);
}

/* tm in local time, or at zone offset off (has_zone). */
static int
when_make(struct tm *tm, int has_zone, long off, double frac, double *out)
{
	struct tm	check = *tm;
	time_t		t;

	if (has_zone) {
		t = timegm(tm);
		t -= off;
	} else {
		tm->tm_isdst = -1;
		t = mktime(tm);
	}
	/* timegm and mktime normalise 31 February: refuse it instead. */
	if (t == (time_t)-1 || tm->tm_mday != check.tm_mday ||
	    tm->tm_mon != check.tm_mon)
		return (-1);
	*out = (double)t + frac;
	return (0);
}

static int
when_iso(const char *s, double now, double *out)
{
	struct tm	tm;
	double		frac = 0;
	long		off = 0;
	int		has_zone = 0, date = 0;
	time_t		tnow = (time_t)now;

	memset(&tm, 0, sizeof tm);
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    s[2] == ':') {
		/* A time of day: today's. */
		localtime_r(&tnow, &tm);
		tm.tm_sec = 0;
	} else {
		if (when_digits(&s, 4, &tm.tm_year) != 0 || *s++ != '-' ||
		    when_digits(&s, 2, &tm.tm_mon) != 0 || *s++ != '-' ||
		    when_digits(&s, 2, &tm.tm_mday) != 0)
			return (-1);
		if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
		    tm.tm_mday > 31)
			return (-1);
		tm.tm_year -= 1900;
		tm.tm_mon--;
		date = 1;
		if (*s == '\0')
			return (when_make(&tm, 0, 0, 0, out));
		if (*s != 'T' && *s != 't' && *s != ' ')
			return (-1);
		s++;
	}
	if (when_clock(&s, &tm, &frac) != 0)
		return (-1);
	if (*s != '\0') {
		if (when_zone(&s, &off) != 0 || *s != '\0')
			return (-1);
		has_zone = 1;
	}
	if (!date && has_zone)
		return (-1);	/* "03:10Z" of which day? */
	return (when_make(&tm, has_zone, off, frac, out));
}

/*
 * The moment s names into *out (epoch seconds), now being the time that
 * relative forms count from. Returns 0, or -1 leaving *out.
 */
int
when_parse(const char *s, double now, double *out)
{
	const char	*ago;
	double		 d, v;
	char		*end;
	size_t		 len;

	if (s == NULL)
		return (-1);
	while (*s == ' ')
		s++;
	len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0)
		return (-1);
	if (len == 3 && strncmp(s, "now", 3) == 0) {
		*out = now;
		return (0);
	}
	if (s[0] == '@') {
		v = strtod(s + 1, &end);
		if (end == s + 1 || (size_t)(end - s) != len || !isfinite(v) ||
		    !isdigit((unsigned char)s[1]))
			return (-1);
		*out = v;
		return (0);
	}
	if (len > 4 && strncmp(s + len - 4, " ago", 4) == 0) {
		ago = s + len - 4;
		while (ago > s && ago[-1] == ' ')
			ago--;
		if (duration_parse_len(s, ago - s, DURATION_NO_BARE, &d) != 0)
			return (-1);
		*out = now - d;
		return (0);
	}
	if (s[len] != '\0') {
		char	*copy = xstrndup(s, len);
		int	 rc;

		rc = when_iso(copy, now, out);
		free(copy);
		return (rc);
	}
	return (when_iso(s, now, out));
}

/* The one message for a bad moment: what took it, and the text. */
char *
when_error(char *err, size_t errlen, const char *what, const char *text)
{
	snprintf(err, errlen,
	    _("%s: '%s' is not a time (e.g. '2026-12-02 03:10', '3h ago', now)"),
	    what, text);
	return (err);
}
