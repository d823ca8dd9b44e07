/* The header: CPU, memory and swap bars; tasks, load, PSI, disk and net. */

#include "vigil.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "fmt.h"
#include "model.h"
#include "ui-int.h"

#define HEADER_SPARK	12	/* sparkline cells on the right column */

struct segment {
	double		 frac;		/* of the whole bar */
	enum tui_color	 color;
};

static int	header_max_rows(const struct tui *);
static int	header_per_cpu(const struct tui *);
static void	header_bar(struct tui *, int, int, int, const char *,
		    const struct segment *, size_t, const char *);
static void	header_cpu(struct tui *, int, int, int, const char *,
		    const struct cpu_pct *);
static void	header_right(struct tui *, int, int, int, int);

/* The header may take a third of the screen, and at least three rows. */
static int
header_max_rows(const struct tui *t)
{
	int	max = t->rows / 3;

	return (max < 3 ? 3 : max);
}

/* One bar per CPU while they fit beside memory and swap; else a total. */
static int
header_per_cpu(const struct tui *t)
{
	return (t->m->sys.ncpu + 2 <= header_max_rows(t));
}

int
tui_header_height(struct tui *t)
{
	int	left, right = 6, max = header_max_rows(t);

	if (t->rows < 10)
		return (0);
	left = header_per_cpu(t) ? t->m->sys.ncpu + 2 : 3;
	if (t->cols < 60)
		left += right;
	else if (right > left)
		left = right;
	return (left < max ? left : max);
}

/*
 * A meter as htop draws it: "label[|||||||     text]" with each segment
 * in its colour and the text right-aligned inside the brackets.
 */
static void
header_bar(struct tui *t, int y, int x, int width, const char *label,
    const struct segment *seg, size_t nseg, const char *text)
{
	int	inner, filled, n, i, textlen = strlen(text), pos = 0;
	size_t	s;
	char	cells[512];

	tui_cstr(t, y, x, 4, label, tui_attr(t, C_LABEL));
	inner = width - 6;
	if (inner < 1)
		return;
	if (inner > (int)sizeof cells - 1)
		inner = sizeof cells - 1;
	mvaddch(y, x + 4, '[');
	memset(cells, ' ', inner);
	cells[inner] = '\0';
	if (textlen <= inner)
		memcpy(cells + inner - textlen, text, textlen);
	move(y, x + 5);
	for (s = 0; s < nseg && pos < inner; s++) {
		filled = seg[s].frac * inner + 0.5;
		if (filled > inner - pos)
			filled = inner - pos;
		attron(tui_attr(t, seg[s].color));
		for (n = 0; n < filled; n++, pos++)
			addch(cells[pos] != ' ' ? cells[pos] : '|');
		attroff(tui_attr(t, seg[s].color));
	}
	for (i = pos; i < inner; i++)
		addch(cells[i]);
	addch(']');
}

static void
header_cpu(struct tui *t, int y, int x, int width, const char *label,
    const struct cpu_pct *c)
{
	struct segment	seg[] = {
		{ c->nice / 100, C_BAR_NICE },
		{ c->user / 100, C_BAR_USER },
		{ c->system / 100, C_BAR_SYSTEM },
		{ (c->irq + c->softirq) / 100, C_BAR_IRQ },
		{ c->steal / 100, C_BAR_STEAL },
		{ c->iowait / 100, C_BAR_IOWAIT },
	};
	char		text[16];

	snprintf(text, sizeof text, "%.1f%%", c->busy);
	header_bar(t, y, x, width, label, seg, nitems(seg), text);
}

static void
header_left(struct tui *t, int y, int x, int width, int h)
{
	const struct sysinfo_view	*s = &t->m->sys;
	const struct sample_sys		*c = &s->cur;
	struct segment			 mem[3], swp[1];
	char				 label[16], text[32], a[FMT_SIZE],
					 b[FMT_SIZE];
	double				 v[64], total = c->mem_total;
	size_t				 k;
	int				 i, row = 0;

	if (header_per_cpu(t)) {
		for (i = 0; i < s->ncpu && row < h - 2; i++, row++) {
			snprintf(label, sizeof label, "%3d", i);
			header_cpu(t, y + row, x, width, label, &s->cpus[i]);
		}
	} else {
		/* Many CPUs or few rows: the total, and its recent history. */
		k = tui_ring_tail(&s->h_cpu, 1, v, 64);
		header_cpu(t, y + row, x, width - HEADER_SPARK - 1, "CPU",
		    &s->total);
		buf_reset(&t->scratch);
		tui_sparkline(t, &t->scratch, v, k, HEADER_SPARK, 100);
		attron(tui_attr(t, C_SPARK_CPU));
		mvaddstr(y + row, x + width - HEADER_SPARK, buf_str(&t->scratch));
		attroff(tui_attr(t, C_SPARK_CPU));
		row++;
	}
	if (row >= h)
		return;
	mem[0] = (struct segment){ total > 0 ? s->mem_used / total : 0,
	    C_MEM_USED };
	mem[1] = (struct segment){ total > 0 ? c->mem_buffers / total : 0,
	    C_MEM_BUFFERS };
	mem[2] = (struct segment){ total > 0 ? c->mem_cached / total : 0,
	    C_MEM_CACHE };
	snprintf(text, sizeof text, "%s/%s",
	    fmt_kib(a, sizeof a, s->mem_used), fmt_kib(b, sizeof b, c->mem_total));
	header_bar(t, y + row++, x, width, "Mem", mem, 3, text);
	if (row >= h)
		return;
	swp[0] = (struct segment){ c->swap_total > 0 ?
	    (double)s->swap_used / c->swap_total : 0, C_SWAP };
	snprintf(text, sizeof text, "%s/%s",
	    fmt_kib(a, sizeof a, s->swap_used), fmt_kib(b, sizeof b, c->swap_total));
	header_bar(t, y + row++, x, width, "Swp", swp, 1, text);
}

/* A label, then text, then a sparkline at the right edge. */
static void
header_line(struct tui *t, int y, int x, int width, const char *label,
    const char *text, const struct ring *spark)
{
	double	v[64];
	size_t	k;
	int	used, room = width;

	used = tui_cstr(t, y, x, (int)strlen(label) < room ? (int)strlen(label) :
	    room, label, tui_attr(t, C_LABEL));
	room -= used;
	/* The figures first: the sparkline only where both fit. */
	if (spark != NULL && room >= (int)strlen(text) + HEADER_SPARK + 1)
		room -= HEADER_SPARK + 1;
	else
		spark = NULL;
	tui_cstr(t, y, x + used, room, text, A_NORMAL);
	if (spark != NULL) {
		k = tui_ring_tail(spark, 1, v, 64);
		buf_reset(&t->scratch);
		tui_sparkline(t, &t->scratch, v, k, HEADER_SPARK, 0);
		attron(tui_attr(t, C_SPARK_MEM));
		mvaddstr(y, x + width - HEADER_SPARK, buf_str(&t->scratch));
		attroff(tui_attr(t, C_SPARK_MEM));
	}
}

static void
header_right(struct tui *t, int y, int x, int width, int h)
{
	const struct sysinfo_view	*s = &t->m->sys;
	const struct sample_sys		*c = &s->cur;
	char				 text[128], a[FMT_SIZE], b[FMT_SIZE],
					 up[64];
	int				 row = 0;

	if (row < h) {
		snprintf(text, sizeof text,
		    _("%u, %u thr, %u kthr; %u running"), s->tasks.total,
		    s->tasks.threads, s->tasks.kthreads, s->tasks.running);
		header_line(t, y + row++, x, width, _("Tasks: "), text, NULL);
	}
	if (row < h) {
		snprintf(text, sizeof text, "%.2f %.2f %.2f", c->load[0],
		    c->load[1], c->load[2]);
		header_line(t, y + row++, x, width, _("Load average: "), text,
		    NULL);
	}
	if (row < h) {
		header_line(t, y + row++, x, width, _("Uptime: "),
		    fmt_uptime(up, sizeof up, c->uptime), NULL);
	}
	if (row < h) {
		snprintf(text, sizeof text, _("read %s write %s"),
		    fmt_rate(a, sizeof a, s->disk_read_rate),
		    fmt_rate(b, sizeof b, s->disk_write_rate));
		header_line(t, y + row++, x, width, _("Disk: "), text,
		    &s->h_disk);
	}
	if (row < h) {
		snprintf(text, sizeof text, _("rx %s tx %s"),
		    fmt_rate(a, sizeof a, s->net_rx_rate),
		    fmt_rate(b, sizeof b, s->net_tx_rate));
		header_line(t, y + row++, x, width, _("Net: "), text,
		    &s->h_net);
	}
	if (row < h && c->has_psi) {
		snprintf(text, sizeof text, _("cpu %.1f%% mem %.1f%% io %.1f%%"),
		    c->psi_cpu.some10, c->psi_mem.some10, c->psi_io.some10);
		header_line(t, y + row++, x, width, _("PSI some: "), text,
		    NULL);
	}
}

void
tui_header_draw(struct tui *t, int h)
{
	int	half;

	if (h <= 0)
		return;
	if (t->cols < 60) {
		/* Narrow: the bars, then what fits of the rest below them. */
		int left = header_per_cpu(t) ? t->m->sys.ncpu + 2 : 3;

		if (left > h)
			left = h;
		header_left(t, 0, 0, t->cols, left);
		header_right(t, left, 0, t->cols, h - left);
		return;
	}
	half = t->cols / 2;
	header_left(t, 0, 0, half - 1, h);
	header_right(t, 0, half + 1, t->cols - half - 1, h);
}
