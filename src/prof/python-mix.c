/* Mixed stacks: Python frames spliced in at the interpreter's frames. */

#include "vigil.h"

#include <stddef.h>

#include "python-int.h"

size_t
prof_py_splice(const size_t *native, const int *is_eval, size_t nn,
    const size_t *py, const int *entry, size_t np, size_t *out, size_t max)
{
	size_t	i, k = 0, d = 0;

	for (i = 0; i < nn && d < max; i++) {
		if (is_eval[i]) {
			/* The run this evaluation call is running. */
			while (k < np && d < max) {
				out[d++] = py[k];
				if (entry[k++])
					break;
			}
		}
		if (d < max)
			out[d++] = native[i];
	}
	while (k < np && d < max)
		out[d++] = py[k++];
	return (d);
}
