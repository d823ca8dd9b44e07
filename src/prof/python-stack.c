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
	size_t		 native[PROF_MAX_DEPTH], i, n, np;
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
	n = ts->depth < PROF_MAX_DEPTH ? ts->depth : PROF_MAX_DEPTH;
	for (i = 0; i < n; i++) {
		native[i] = prof_syms_frame(sy, ts->ips[i], i == 0);
		is_eval[i] = prof_py_is_eval(&p->frames[native[i]]);
	}
	if (np == 0) {
		n = n < max ? n : max;
		memcpy(out, native, n * sizeof *out);
		return (n);
	}
	return (prof_py_splice(native, is_eval, n, pyf, entry, np, out, max));
}
