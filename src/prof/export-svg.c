/* Flamegraphs as self-contained interactive SVG, plain and differential. */

#include "vigil.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"
#include "sanitize.h"
#include "xalloc.h"
#include "prof-int.h"

#define SVG_WIDTH	1200
#define SVG_PAD		10
#define SVG_FRAME_H	16
#define SVG_TOP		56
#define SVG_BOTTOM	34
#define SVG_FONT	12
#define SVG_CHAR_W	7.2	/* width of one monospace character */

/* What one flamegraph needs: the tree, its names, and how to colour it. */
struct svg {
	struct prof_tree	 tree;
	struct prof_names	 names;
	const struct prof	*cur;		/* widths come from this one */
	const struct prof	*old;		/* differential: the baseline */
	double			 maxdelta;
	uint64_t		 minsamples;	/* narrower frames are left out */
	uint64_t		*start;		/* per node: samples to its left */
	unsigned char		*python;	/* per name: a Python frame */
};

static void	svg_tree(struct svg *);
static void	svg_layout(struct svg *);
static void	svg_colour(const struct svg *, size_t, struct buf *);
static double	svg_delta(const struct svg *, size_t);
static size_t	svg_chars(const char *, size_t);
static void	svg_frame(const struct svg *, size_t, struct buf *);
static void	svg_head(const struct svg *, const char *, struct buf *);
static int	svg_write(const struct prof *, const struct prof *, FILE *,
		    const char *, char *, size_t);

/*
 * The script: hover shows a frame's details, click zooms into it, "Reset
 * zoom" goes back, "Search" (also Ctrl-F or /) highlights the frames whose
 * name matches a regular expression and says what share they cover.
 */
static const char svg_script[] =
"var W = " "1180" ", X0 = 10, CW = 7.2, total = 0, fr = [];\n"
"var det, mat, unz, sch;\n"
"function init() {\n"
"  det = document.getElementById('details');\n"
"  mat = document.getElementById('matched');\n"
"  unz = document.getElementById('unzoom');\n"
"  sch = document.getElementById('search');\n"
"  var gs = document.getElementsByClassName('fr');\n"
"  for (var i = 0; i < gs.length; i++) {\n"
"    var g = gs[i], f = { g: g, d: +g.getAttribute('data-d'),\n"
"      s: +g.getAttribute('data-s'), n: +g.getAttribute('data-n'),\n"
"      name: g.getAttribute('data-name'),\n"
"      r: g.getElementsByTagName('rect')[0],\n"
"      t: g.getElementsByTagName('text')[0] };\n"
"    if (f.d == 0) total = f.n;\n"
"    g.addEventListener('click', zoomer(f));\n"
"    g.addEventListener('mouseover', hover(f));\n"
"    g.addEventListener('mouseout', function () { det.textContent = ' '; });\n"
"    fr.push(f);\n"
"  }\n"
"  unz.addEventListener('click', function () { zoom(fr[0]); });\n"
"  sch.addEventListener('click', ask);\n"
"  document.addEventListener('keydown', function (e) {\n"
"    if ((e.ctrlKey && e.key == 'f') || e.key == '/') {\n"
"      e.preventDefault(); ask();\n"
"    } else if (e.key == 'Escape') { search(''); zoom(fr[0]); }\n"
"  });\n"
"  zoom(fr[0]);\n"
"}\n"
"function pct(n) { return total ? (100 * n / total).toFixed(2) : '0'; }\n"
"function hover(f) {\n"
"  return function () {\n"
"    det.textContent = f.name + ' (' + f.n + ' samples, ' + pct(f.n) +\n"
"      '%)' + (f.g.getAttribute('data-extra') || '');\n"
"  };\n"
"}\n"
"function zoomer(f) { return function () { zoom(f); }; }\n"
"function label(f, w) {\n"
"  var fit = Math.floor((w - 6) / CW);\n"
"  if (fit < 3) return '';\n"
"  if (f.name.length <= fit) return f.name;\n"
"  return f.name.substring(0, fit - 2) + '..';\n"
"}\n"
"function place(f, x, w) {\n"
"  f.g.style.display = '';\n"
"  f.r.setAttribute('x', x.toFixed(2));\n"
"  f.r.setAttribute('width', w.toFixed(2));\n"
"  f.t.setAttribute('x', (x + 3).toFixed(2));\n"
"  f.t.textContent = label(f, w);\n"
"}\n"
"function zoom(z) {\n"
"  for (var i = 0; i < fr.length; i++) {\n"
"    var f = fr[i];\n"
"    f.g.classList.remove('parent');\n"
"    if (f.d < z.d) {\n"
"      if (f.s <= z.s && f.s + f.n >= z.s + z.n) {\n"
"        place(f, X0, W); f.g.classList.add('parent');\n"
"      } else f.g.style.display = 'none';\n"
"    } else if (f.s >= z.s && f.s + f.n <= z.s + z.n && z.n > 0) {\n"
"      var w = f.n / z.n * W;\n"
"      if (w < 0.1) f.g.style.display = 'none';\n"
"      else place(f, X0 + (f.s - z.s) / z.n * W, w);\n"
"    } else f.g.style.display = 'none';\n"
"  }\n"
"  unz.style.opacity = z.d == 0 ? 0.3 : 1;\n"
"}\n"
"function ask() {\n"
"  var p = prompt('Search for a regular expression (empty: clear)', '');\n"
"  if (p !== null) search(p);\n"
"}\n"
"function search(p) {\n"
"  var re = null, hit = [], i;\n"
"  if (p) {\n"
"    try { re = new RegExp(p); }\n"
"    catch (e) { mat.textContent = 'bad regular expression'; return; }\n"
"  }\n"
"  for (i = 0; i < fr.length; i++) {\n"
"    var m = re !== null && fr[i].d > 0 && re.test(fr[i].name);\n"
"    fr[i].g.classList.toggle('match', m);\n"
"    if (m) hit.push(fr[i]);\n"
"  }\n"
"  if (re === null) { mat.textContent = ' '; return; }\n"
"  /* Nested matches count once: merge the covered sample ranges. */\n"
"  hit.sort(function (a, b) { return a.s - b.s || b.n - a.n; });\n"
"  var sum = 0, end = -1;\n"
"  for (i = 0; i < hit.length; i++) {\n"
"    var e = hit[i].s + hit[i].n;\n"
"    if (hit[i].s >= end) { sum += hit[i].n; end = e; }\n"
"    else if (e > end) { sum += e - end; end = e; }\n"
"  }\n"
"  mat.textContent = 'Matched: ' + pct(sum) + '% (' + hit.length +\n"
"    (hit.length == 1 ? ' frame)' : ' frames)');\n"
"}\n";

static const char svg_style[] =
"text { font-family: monospace; font-size: 12px; fill: #000; }\n"
".fr text { pointer-events: none; }\n"
".fr rect { stroke: #fff; stroke-width: 0.5; }\n"
".fr:hover rect { stroke: #000; stroke-width: 1; }\n"
".fr { cursor: pointer; }\n"
".parent rect { opacity: 0.5; }\n"
".match rect { fill: rgb(224, 64, 224); }\n"
".title { font-size: 16px; text-anchor: middle; }\n"
".button { cursor: pointer; fill: #2050a0; }\n"
"#matched { text-anchor: end; }\n";

/* Build the tree of cur (counts 0) and old (counts 1), names shared. */
static void
svg_tree(struct svg *s)
{
	size_t	*ids, i, n;

	prof_names_init(&s->names);
	prof_tree_init(&s->tree);
	ids = prof_names_map(&s->names, s->cur, 0);
	prof_tree_add(&s->tree, 0, s->cur, ids);
	n = prof_names_count(&s->names);
	s->python = xcalloc(n + 1, 1);
	for (i = 0; i < s->cur->nframes; i++) {
		if (s->cur->frames[i].kind == PF_PYTHON)
			s->python[ids[i]] = 1;
	}
	free(ids);
	if (s->old != NULL) {
		ids = prof_names_map(&s->names, s->old, 0);
		prof_tree_add(&s->tree, 1, s->old, ids);
		free(ids);
	}
	prof_tree_sort(&s->tree, &s->names);
}

/* Each node's left edge in samples: its parent's, then its elder siblings'. */
static void
svg_layout(struct svg *s)
{
	struct prof_node	*nd;
	uint64_t		 x;
	size_t			 i, k;
	double			 d;

	s->start = xcalloc(s->tree.n, sizeof *s->start);
	/* Nodes are made after their parent, so index order is top-down. */
	for (i = 0; i < s->tree.n; i++) {
		nd = &s->tree.nodes[i];
		x = s->start[i];
		for (k = 0; k < nd->nkids; k++) {
			s->start[nd->kids[k]] = x;
			x += s->tree.nodes[nd->kids[k]].total[0];
		}
	}
	s->minsamples = s->tree.nodes[0].total[0] / 24000;
	s->maxdelta = 0;
	if (s->old == NULL)
		return;
	for (i = 1; i < s->tree.n; i++) {
		d = svg_delta(s, i);
		if (d < 0)
			d = -d;
		if (d > s->maxdelta)
			s->maxdelta = d;
	}
}

/* Change of a frame's self share, new minus old, in [-1, 1]. */
static double
svg_delta(const struct svg *s, size_t i)
{
	const struct prof_node	*nd = &s->tree.nodes[i], *root;
	double			 a = 0, b = 0;

	root = &s->tree.nodes[0];
	if (root->total[0] > 0)
		a = (double)nd->self[0] / root->total[0];
	if (root->total[1] > 0)
		b = (double)nd->self[1] / root->total[1];
	return (a - b);
}

/* A name's colour stays the same from one graph to the next. */
static void
svg_colour(const struct svg *s, size_t i, struct buf *b)
{
	const struct prof_node	*nd = &s->tree.nodes[i];
	const char		*name;
	uint32_t		 h = 2166136261u;
	double			 v, w;
	int			 c;

	if (i == 0) {
		buf_adds(b, "rgb(200,200,200)");
		return;
	}
	name = prof_names_get(&s->names, nd->name);
	if (s->old != NULL) {
		v = s->maxdelta > 0 ? svg_delta(s, i) / s->maxdelta : 0;
		c = 235 - (int)(205 * (v < 0 ? -v : v));
		if (v > 0)
			buf_printf(b, "rgb(255,%d,%d)", c, c);
		else if (v < 0)
			buf_printf(b, "rgb(%d,%d,255)", c, c);
		else
			buf_adds(b, "rgb(235,235,235)");
		return;
	}
	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	v = (h & 0xff) / 255.0;
	w = ((h >> 8) & 0xff) / 255.0;
	if (s->python[nd->name])
		buf_printf(b, "rgb(%d,%d,%d)", 60 + (int)(60 * v),
		    170 + (int)(60 * w), 90 + (int)(50 * v));
	else if (strcmp(prof_names_get(&s->names, nd->name), "[unknown]") == 0)
		buf_adds(b, "rgb(170,170,170)");
	else
		buf_printf(b, "rgb(%d,%d,%d)", 215 + (int)(40 * v),
		    80 + (int)(150 * w), 30 + (int)(40 * v));
}

/*
 * Characters in s, when max is SIZE_MAX; else the bytes of its first max
 * characters. A character is what the script's string length counts: one
 * for each UTF-8 sequence, two past U+FFFF.
 */
static size_t
svg_chars(const char *s, size_t max)
{
	size_t		len = strlen(s), n, off = 0, chars = 0, w;
	uint32_t	c;

	while (off < len) {
		if ((n = utf8_decode(s + off, len - off, &c)) == 0) {
			n = 1;
			c = 0;
		}
		w = c > 0xffff ? 2 : 1;
		if (max != SIZE_MAX && chars + w > max)
			return (off);
		chars += w;
		off += n;
	}
	return (max == SIZE_MAX ? chars : off);
}

/* One frame: a group with its numbers, tooltip, box and label. */
static void
svg_frame(const struct svg *s, size_t i, struct buf *b)
{
	const struct prof_node	*nd = &s->tree.nodes[i], *root;
	const char		*name;
	double			 x, w, y, pct, fit;
	size_t			 len, cut;

	root = &s->tree.nodes[0];
	name = i == 0 ? "all" : prof_names_get(&s->names, nd->name);
	x = SVG_PAD + (double)s->start[i] / root->total[0] *
	    (SVG_WIDTH - 2 * SVG_PAD);
	w = (double)nd->total[0] / root->total[0] * (SVG_WIDTH - 2 * SVG_PAD);
	y = SVG_TOP + (double)(s->tree.maxdepth - nd->depth) * SVG_FRAME_H;
	pct = 100.0 * nd->total[0] / root->total[0];

	buf_printf(b, "<g class=\"fr\" data-d=\"%zu\" data-s=\"%llu\" "
	    "data-n=\"%llu\" data-name=\"", nd->depth,
	    (unsigned long long)s->start[i],
	    (unsigned long long)nd->total[0]);
	prof_xml_escape(b, name);
	buf_addc(b, '"');
	if (s->old != NULL) {
		buf_printf(b, " data-extra=\"; self %.2f%% was %.2f%%\"",
		    root->total[0] ? 100.0 * nd->self[0] / root->total[0] : 0,
		    root->total[1] ? 100.0 * nd->self[1] / root->total[1] : 0);
	}
	buf_adds(b, "><title>");
	prof_xml_escape(b, name);
	buf_printf(b, "&#10;%llu samples, %.2f%%",
	    (unsigned long long)nd->total[0], pct);
	if (s->old != NULL)
		buf_printf(b, "&#10;self %.2f%%, was %.2f%%",
		    root->total[0] ? 100.0 * nd->self[0] / root->total[0] : 0,
		    root->total[1] ? 100.0 * nd->self[1] / root->total[1] : 0);
	buf_printf(b, "</title><rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
	    "height=\"%d\" rx=\"2\" fill=\"", x, y, w, SVG_FRAME_H - 1);
	svg_colour(s, i, b);
	buf_printf(b, "\"/><text x=\"%.2f\" y=\"%.1f\">", x + 3,
	    y + SVG_FRAME_H - 4.5);

	/* The same cut the script makes, for viewers without scripts. */
	fit = (w - 6) / SVG_CHAR_W;
	if (fit >= 3) {
		len = svg_chars(name, SIZE_MAX);
		if (len <= fit)
			prof_xml_escape(b, name);
		else {
			char *t;

			cut = svg_chars(name, (size_t)fit - 2);
			t = xstrndup(name, cut);
			prof_xml_escape(b, t);
			buf_adds(b, "..");
			free(t);
		}
	}
	buf_adds(b, "</text></g>\n");
}

static void
svg_head(const struct svg *s, const char *title, struct buf *b)
{
	const struct prof	*p = s->cur;
	int			 height;
	struct buf		 t = BUF_INITIALIZER;

	height = SVG_TOP + (int)(s->tree.maxdepth + 1) * SVG_FRAME_H +
	    SVG_BOTTOM;
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
	buf_printf(b, "<svg version=\"1.1\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" onload=\"init()\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">\n", SVG_WIDTH, height,
	    SVG_WIDTH, height);
	buf_printf(b, "<style type=\"text/css\"><![CDATA[\n%s]]></style>\n",
	    svg_style);
	buf_printf(b, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]>"
	    "</script>\n", svg_script);
	buf_printf(b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#f8f8f4\"/>\n", SVG_WIDTH, height);

	if (title != NULL)
		sanitize(&t, title, strlen(title), 0);
	else {
		buf_adds(&t, s->old != NULL ? _("Differential flame graph") :
		    _("Flame graph"));
		if (p->comm != NULL) {
			buf_adds(&t, ": ");
			sanitize(&t, p->comm, strlen(p->comm), 0);
		}
		if (p->pid > 0)
			buf_printf(&t, " (%d)", p->pid);
		if (prof_mode_name(p->mode) != NULL)
			buf_printf(&t, ", %s", prof_mode_name(p->mode));
	}
	buf_printf(b, "<text class=\"title\" x=\"%d\" y=\"20\">",
	    SVG_WIDTH / 2);
	prof_xml_escape(b, buf_str(&t));
	buf_adds(b, "</text>\n");

	buf_reset(&t);
	buf_printf(&t, _("%llu samples"),
	    (unsigned long long)s->tree.nodes[0].total[0]);
	if (p->rate_hz > 0)
		buf_printf(&t, _(" at %g Hz"), p->rate_hz);
	if (p->duration_ns > 0)
		buf_printf(&t, _(" over %.1f s"), p->duration_ns / 1e9);
	if (s->old != NULL)
		buf_printf(&t, _("; widths: new profile; colour: change of "
		    "each frame's self share of samples, red grew, blue "
		    "shrank (old %llu samples)"),
		    (unsigned long long)s->tree.nodes[0].total[1]);
	buf_printf(b, "<text x=\"%d\" y=\"40\">", SVG_PAD);
	prof_xml_escape(b, buf_str(&t));
	buf_adds(b, "</text>\n");
	buf_printf(b, "<text id=\"unzoom\" class=\"button\" x=\"%d\" "
	    "y=\"40\" text-anchor=\"end\" style=\"opacity: 0.3\">%s</text>\n",
	    SVG_WIDTH - 100, _("Reset zoom"));
	buf_printf(b, "<text id=\"search\" class=\"button\" x=\"%d\" "
	    "y=\"40\" text-anchor=\"end\">%s</text>\n", SVG_WIDTH - SVG_PAD,
	    _("Search"));
	buf_printf(b, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n",
	    SVG_PAD, height - 12);
	buf_printf(b, "<text id=\"matched\" x=\"%d\" y=\"%d\"> </text>\n",
	    SVG_WIDTH - SVG_PAD, height - 12);
	buf_free(&t);
}

static int
svg_write(const struct prof *cur, const struct prof *old, FILE *fp,
    const char *title, char *err, size_t errlen)
{
	struct svg	s;
	struct buf	b = BUF_INITIALIZER;
	size_t		i;
	int		rc = 0;

	memset(&s, 0, sizeof s);
	s.cur = cur;
	s.old = old;
	svg_tree(&s);
	svg_layout(&s);
	svg_head(&s, title, &b);
	if (s.tree.nodes[0].total[0] > 0) {
		for (i = 0; i < s.tree.n; i++) {
			if (s.tree.nodes[i].total[0] == 0 ||
			    s.tree.nodes[i].total[0] < s.minsamples)
				continue;
			svg_frame(&s, i, &b);
			if (b.len > 65536 && rc == 0)
				rc = prof_write_buf(fp, &b, err, errlen);
		}
	} else {
		buf_printf(&b, "<text x=\"%d\" y=\"%d\">%s</text>\n", SVG_PAD,
		    SVG_TOP + 12, _("No samples."));
	}
	buf_adds(&b, "</svg>\n");
	if (rc == 0)
		rc = prof_write_buf(fp, &b, err, errlen);
	if (rc == 0)
		rc = prof_write_done(fp, err, errlen);
	buf_free(&b);
	free(s.start);
	free(s.python);
	prof_tree_free(&s.tree);
	prof_names_free(&s.names);
	return (rc);
}

/* A flamegraph of p; title NULL: one made from the process. */
int
prof_write_svg(const struct prof *p, FILE *fp, const char *title, char *err,
    size_t errlen)
{
	return (svg_write(p, NULL, fp, title, err, errlen));
}

/* Widths from cur, colours from how each frame's self share changed. */
int
prof_write_diff_svg(const struct prof *old, const struct prof *cur, FILE *fp,
    const char *title, char *err, size_t errlen)
{
	return (svg_write(cur, old, fp, title, err, errlen));
}
