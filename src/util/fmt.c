/* Unit formatting. */

#include "vigil.h"

#include <stdio.h>
#include <string.h>

#include "fmt.h"

/*
 * v in decimal, right-aligned in width columns (0: no padding), as
 * snprintf's "%*llu" writes it, without the cost of a format (a few of
 * these go into every row of every refresh).
 */
char *
fmt_uint(char *out, size_t len, unsigned long long v, int width)
{
	char	tmp[24];
	size_t	n = 0, pad, i;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	pad = width > 0 && (size_t)width > n ? (size_t)width - n : 0;
	/* Cut to len, still terminated, as snprintf would. */
	for (i = 0; i + 1 < len && i < pad; i++)
		out[i] = ' ';
	while (n > 0 && i + 1 < len)
		out[i++] = tmp[--n];
	if (len > 0)
		out[i] = '\0';
	return (out);
}

/* A size in KiB, as htop shows it: at most 6 characters, K M G T P. */
char *
fmt_kib(char *out, size_t len, uint64_t kib)
{
	static const char	 units[] = "KMGTP";
	double			 v = kib;
	size_t			 u = 0;

	if (kib < 100000)
		return (fmt_uint(out, len, kib, 0));
	while (v >= 1024 && u < sizeof units - 2) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		snprintf(out, len, "%.2f%c", v, units[u]);
	else if (v < 100)
		snprintf(out, len, "%.1f%c", v, units[u]);
	else
		snprintf(out, len, "%.0f%c", v, units[u]);
	return (out);
}

/*
 * A size in KiB with its unit, in the one short style of every size and
 * rate vigil shows beside others: "512K", "1.62M", "65.6M", "216M",
 * "1.20G" (three digits at most, K M G T P); negative ones with "-", and
 * with sign set positive ones with "+" ("+65.6M", for growth).
 */
char *
fmt_size(char *out, size_t len, double kib, int sign)
{
	static const char	 units[] = "KMGTP";
	double			 v = kib < 0 ? -kib : kib;
	size_t			 u = 0;
	const char		*pre = kib < 0 ? "-" : sign ? "+" : "";

	while (v >= 1023.5 && u < sizeof units - 2) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 99.95)
		snprintf(out, len, "%s%.0f%c", pre, v, units[u]);
	else if (v >= 9.995)
		snprintf(out, len, "%s%.1f%c", pre, v, units[u]);
	else
		snprintf(out, len, "%s%.2f%c", pre, v, units[u]);
	return (out);
}

/* A rate of growth in KiB per minute: "+65.6M/min", "-12K/min". */
char *
fmt_growth(char *out, size_t len, double kib_per_min)
{
	char	tmp[FMT_SIZE];

	snprintf(out, len, "%s/min", fmt_size(tmp, sizeof tmp, kib_per_min,
	    1));
	return (out);
}

/*
 * A byte count for reports, "512 B", "30.0 MiB"; negative ones with "-",
 * and with sign set positive ones with "+" (growth).
 */
char *
fmt_bytes(char *out, size_t len, int64_t v, int sign)
{
	static const char	*units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double			 d = v < 0 ? -(double)v : (double)v;
	size_t			 u = 0;
	const char		*pre = v < 0 ? "-" : sign ? "+" : "";

	while (d >= 1024 && u < nitems(units) - 1) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%s%.0f %s", pre, d, units[u]);
	else
		snprintf(out, len, "%s%.1f %s", pre, d, units[u]);
	return (out);
}

/* Bytes per second, with a unit: "0B/s", "12.5K/s", "3.2M/s". */
char *
fmt_rate(char *out, size_t len, double bps)
{
	static const char	 units[] = "BKMGT";
	size_t			 u = 0;

	while (bps >= 1024 && u < sizeof units - 2) {
		bps /= 1024;
		u++;
	}
	if (u == 0 || bps >= 100)
		snprintf(out, len, "%.0f%c/s", bps, units[u]);
	else
		snprintf(out, len, "%.1f%c/s", bps, units[u]);
	return (out);
}

/* CPU time as top's and htop's TIME+: minutes:seconds.hundredths. */
char *
fmt_time_plus(char *out, size_t len, double secs)
{
	unsigned long long	cs = secs * 100 + 0.5;
	unsigned long long	m = cs / 6000;
	char			tail[8];
	size_t			i;

	if (len == 0)
		return (out);
	if (m >= 1000) {
		snprintf(out, len, "%lluh%02llu", m / 60, m % 60);
		return (out);
	}
	/* "%llu:%02llu.%02llu" by hand: every row of every refresh has one. */
	tail[0] = ':';
	tail[1] = '0' + (cs / 100) % 60 / 10;
	tail[2] = '0' + (cs / 100) % 60 % 10;
	tail[3] = '.';
	tail[4] = '0' + cs % 100 / 10;
	tail[5] = '0' + cs % 10;
	tail[6] = '\0';
	fmt_uint(out, len, m, 0);
	i = strlen(out);
	memcpy(out + i, tail, i + 7 <= len ? 7 : len - i - 1);
	out[i + 7 <= len ? i + 6 : len - 1] = '\0';
	return (out);
}

char *
fmt_uptime(char *out, size_t len, double secs)
{
	unsigned long long	s = secs;
	unsigned long long	d = s / 86400;

	if (d > 0)
		snprintf(out, len, "%llu day%s, %02llu:%02llu:%02llu", d,
		    d == 1 ? "" : "s", (s / 3600) % 24, (s / 60) % 60, s % 60);
	else
		snprintf(out, len, "%02llu:%02llu:%02llu", (s / 3600) % 24,
		    (s / 60) % 60, s % 60);
	return (out);
}

/*
 * An I/O priority as ioprio_get(2) returns it, in ionice's words:
 * "realtime 0".."realtime 7", "best-effort 0".."best-effort 7", "idle",
 * "none" (the kernel derives the level from the nice value then).
 */
char *
fmt_ioprio(char *out, size_t len, int ioprio)
{
	static const char	*names[] = { "none", "realtime", "best-effort",
				    "idle" };
	int			 class = (ioprio >> 13) & 7, level =
				    ioprio & 0x1fff;

	if (ioprio < 0 || class >= (int)nitems(names))
		snprintf(out, len, "%d", ioprio);
	else if (class == 1 || class == 2)
		snprintf(out, len, "%s %d", names[class], level);
	else
		snprintf(out, len, "%s", names[class]);
	return (out);
}
