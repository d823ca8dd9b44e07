/* Durations: "250ms", "2s", "1.5m", "1h", "1m30s", or a bare number. */

#include "vigil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"

/* Longest first, so "ms" and "min" win over "m". */
static const struct {
	const char	*name;
	double		 secs;
} duration_units[] = {
	{ "min",	60 },
	{ "ms",		1e-3 },
	{ "us",		1e-6 },
	{ "s",		1 },
	{ "m",		60 },
	{ "h",		3600 },
	{ "d",		86400 },
};

/* A decimal number: digits with an optional fraction; no sign, exponent. */
static size_t
duration_number(const char *s, size_t len, double *v)
{
	size_t	i = 0;
	double	scale;

	*v = 0;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		*v = *v * 10 + (s[i++] - '0');
	if (i == 0)
		return (0);
	if (i < len && s[i] == '.') {
		if (i + 1 >= len || s[i + 1] < '0' || s[i + 1] > '9')
			return (0);
		for (i++, scale = 0.1; i < len && s[i] >= '0' && s[i] <= '9';
		    scale /= 10)
			*v += (s[i++] - '0') * scale;
	}
	return (i);
}

/* The unit at s, its length in *n; -1 if none is. */
static int
duration_unit(const char *s, size_t len, size_t *n)
{
	size_t	i, l;

	for (i = 0; i < nitems(duration_units); i++) {
		l = strlen(duration_units[i].name);
		if (l <= len && strncmp(s, duration_units[i].name, l) == 0 &&
		    (l == len || s[l] < 'a' || s[l] > 'z')) {
			*n = l;
			return (i);
		}
	}
	return (-1);
}

/*
 * The len bytes at s as seconds into *out. A number with a unit, or
 * several in decreasing order (1h30m, 1m30s); a lone bare number is in
 * units of bare seconds (0: refused). Returns 0, or -1 leaving *out.
 */
int
duration_parse_len(const char *s, size_t len, double bare, double *out)
{
	double	 total = 0, v, last = INFINITY;
	size_t	 n, un;
	int	 u, parts = 0;

	if (len == 0)
		return (-1);
	while (len > 0) {
		if ((n = duration_number(s, len, &v)) == 0)
			return (-1);
		s += n;
		len -= n;
		if (len == 0) {
			if (parts > 0 || bare <= 0)
				return (-1);
			total = v * bare;
			break;
		}
		if ((u = duration_unit(s, len, &un)) == -1 ||
		    duration_units[u].secs >= last)
			return (-1);
		last = duration_units[u].secs;
		total += v * last;
		s += un;
		len -= un;
		parts++;
	}
	if (!isfinite(total))
		return (-1);
	*out = total;
	return (0);
}

int
duration_parse(const char *s, double bare, double *out)
{
	if (s == NULL || *s == '\0')
		return (-1);
	return (duration_parse_len(s, strlen(s), bare, out));
}

/* The one message for a bad duration: what took it, and the text. */
char *
duration_error(char *err, size_t errlen, const char *what, const char *text)
{
	snprintf(err, errlen,
	    _("%s: '%s' is not a duration (e.g. 500ms, 2s, 1.5m)"), what,
	    text);
	return (err);
}
