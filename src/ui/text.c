/* Drawing untrusted text, colours and sparklines. */

#include "vigil.h"

#include <curses.h>
#include <string.h>
#include <wchar.h>

#include "buf.h"
#include "ring.h"
#include "sanitize.h"
#include "ui-int.h"

/* Monochrome stand-ins for each colour pair, used with -C or no colours. */
static const int tui_mono[C__COUNT] = {
	[C_HEADER] = A_REVERSE,
	[C_SELECTED] = A_REVERSE,
	[C_LABEL] = A_BOLD,
	[C_BAR_SYSTEM] = A_BOLD,
	[C_MEM_USED] = A_BOLD,
	[C_BASENAME] = A_BOLD,
	[C_TAGGED] = A_BOLD | A_UNDERLINE,
	[C_STATE_R] = A_BOLD,
	[C_STATE_D] = A_BOLD | A_UNDERLINE,
	[C_FKEY] = A_BOLD,
	[C_FLABEL] = A_REVERSE,
	[C_ERROR] = A_BOLD | A_REVERSE,
	[C_MATCH] = A_UNDERLINE,
	[C_DIALOG] = A_REVERSE,
	[C_ALARM_INFO] = A_REVERSE,
	[C_ALARM_WARN] = A_REVERSE | A_BOLD,
	[C_ALARM_CRIT] = A_REVERSE | A_BOLD | A_BLINK,
	[C_COMM] = A_BOLD | A_UNDERLINE,
};

int
tui_attr(const struct tui *t, enum tui_color c)
{
	if (c == C_DEFAULT)
		return (A_NORMAL);
	if (!t->color)
		return (tui_mono[c]);
	return (COLOR_PAIR(c) | (c == C_BASENAME || c == C_LABEL ||
	    c == C_STATE_R || c == C_COMM ? A_BOLD : 0));
}

/*
 * Draw s (len bytes, untrusted) at y,x in at most width columns with attr,
 * padding with spaces. Control characters come out escaped and invalid
 * UTF-8 as U+FFFD (as '?' without a UTF-8 locale). Returns the columns
 * used, padding included.
 */
int
tui_text(struct tui *t, int y, int x, int width, const char *s, size_t len,
    int attr)
{
	return (tui_textp(t, y, x, width, s, len, attr, 1));
}

/*
 * How many bytes of s (already sanitised) fit in width columns; the columns
 * they take go in *used.
 */
size_t
tui_fit(const char *s, size_t len, int width, int *used)
{
	mbstate_t	 mbs;
	const char	*p = s, *end = s + len;
	wchar_t		 wc;
	size_t		 n;
	int		 w;

	*used = 0;
	memset(&mbs, 0, sizeof mbs);
	while (p < end) {
		/* Most of what is drawn is ASCII: one byte, one column. */
		if ((unsigned char)*p < 0x80) {
			if (*used + 1 > width)
				break;
			(*used)++;
			p++;
			continue;
		}
		n = mbrtowc(&wc, p, end - p, &mbs);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			break;		/* cannot happen after sanitize() */
		if ((w = wcwidth(wc)) < 0)
			w = 1;
		if (*used + w > width)
			break;
		*used += w;
		p += n;
	}
	return (p - s);
}

/* The same, padding only if pad is set; returns the columns used. */
int
tui_textp(struct tui *t, int y, int x, int width, const char *s, size_t len,
    int attr, int pad)
{
	struct buf	*b = &t->scratch;
	size_t		 n;
	int		 used;

	if (width <= 0)
		return (0);
	buf_reset(b);
	/* Nothing past what fits can show: do not sanitise 100 KB for it. */
	if (len > (size_t)width * 4 + 16)
		len = (size_t)width * 4 + 16;
	sanitize(b, s, len, t->utf8 ? 0 : SAN_ASCII);
	n = tui_fit(buf_str(b), b->len, width, &used);
	attron(attr);
	mvaddnstr(y, x, buf_str(b), n);
	for (; pad && used < width; used++)
		addch(' ');
	attroff(attr);
	return (used);
}

int
tui_cstr(struct tui *t, int y, int x, int width, const char *s, int attr)
{
	return (tui_text(t, y, x, width, s, strlen(s), attr));
}

void
tui_fill(int y, int x, int width, int attr)
{
	attron(attr);
	mvhline(y, x, ' ', width);
	attroff(attr);
}

/*
 * The newest `max` values of a history ring, oldest first, as doubles.
 * Process rings hold uint16 (CPU) or uint32 (RSS, I/O); the system's hold
 * floats.
 */
size_t
tui_ring_tail(const struct ring *r, int is_float, double *v, size_t max)
{
	size_t	n = ring_len(r), k = n < max ? n : max, skip = n - k, i;

	for (i = 0; i < k; i++) {
		const void *e = ring_get(r, skip + i);

		if (is_float)
			v[i] = *(const float *)e;
		else if (r->size == sizeof(uint16_t))
			v[i] = *(const uint16_t *)e;
		else
			v[i] = *(const uint32_t *)e;
	}
	return (k);
}

/*
 * A sparkline of k values, right-aligned in width cells. With scale > 0,
 * values are fractions of scale (CPU: 100% is full); with scale 0, of the
 * window's own range (memory: the trend shows).
 */
void
tui_sparkline(struct tui *t, struct buf *out, const double *v, size_t k,
    int width, double scale)
{
	static const char	*utf8_ramp[] = { " ", "\xe2\x96\x81",
				    "\xe2\x96\x82", "\xe2\x96\x83",
				    "\xe2\x96\x84", "\xe2\x96\x85",
				    "\xe2\x96\x86", "\xe2\x96\x87",
				    "\xe2\x96\x88" };
	static const char	 ascii_ramp[] = " .:-=+*#@";
	double			 lo = 0, hi = scale;
	size_t			 i;
	int			 level, j;

	if (k > (size_t)width) {
		v += k - width;		/* the newest values */
		k = width;
	}
	if (scale <= 0 && k > 0) {
		lo = hi = v[0];
		for (i = 1; i < k; i++) {
			if (v[i] < lo)
				lo = v[i];
			if (v[i] > hi)
				hi = v[i];
		}
		/* A wobble of a few KiB should not fill the whole range. */
		if (hi > lo && hi - lo < hi * 0.1)
			lo = hi - hi * 0.1;
	}
	for (j = 0; j < width - (int)k; j++)
		buf_addc(out, ' ');
	for (i = 0; i < k; i++) {
		if (hi <= lo)
			/* Fixed scale: all zero. Own range: flat, no news. */
			level = scale > 0 && v[i] > 0 ? 1 : 0;
		else {
			level = (int)((v[i] - lo) / (hi - lo) * 8 + 0.999);
			if (level > 8)
				level = 8;
			if (level < 1 && v[i] > 0)
				level = 1;
		}
		if (t->utf8)
			buf_adds(out, utf8_ramp[level]);
		else
			buf_addc(out, ascii_ramp[level]);
	}
}
