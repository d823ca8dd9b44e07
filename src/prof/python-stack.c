/* One thread's stack as the mode asks: native, Python, or both spliced. */

#include "vigil.h"

#include <stddef.h>
#include <string.h>

#include "python-int.h"
#include "sampler-int.h"

size_t
prof_py_build(struct prof_py *py, enum prof_py_mode mode,
    struct prof_syms *sy, struct prof *p, const struct prof_tstack *ts,
    size_t *out, size_t max)
{
	size_t		 native[PROF_MAX_DEPTH], i, k, n, nips, np;
	int		 is_eval[PROF_MAX_DEPTH];
	const size_t	*pyf;
	const int	*entry;

	np = py != NULL && mode != PROF_PY_NATIVE ?
	    prof_py_stack(py, ts->tid, &pyf, &entry) : 0;
	if (py != NULL && mode == PROF_PY_PYTHON) {
		n = np < max ? np : max;
		memcpy(out, pyf, n * sizeof *out);
		return (n);
	}
	/* An address gives a frame per inlined call, then its function's. */
	nips = ts->depth;
	for (i = n = 0; i < nips && n < PROF_MAX_DEPTH; i++) {
		k = prof_syms_frames(sy, ts->ips[i], i == 0, native + n,
		    PROF_MAX_DEPTH - n);
		for (; k > 0; k--, n++)
			is_eval[n] = prof_py_is_eval(&p->frames[native[n]]);
	}
	if (np == 0) {
		n = n < max ? n : max;
		memcpy(out, native, n * sizeof *out);
		return (n);
	}
	return (prof_py_splice(native, is_eval, n, pyf, entry, np, out, max));
}
