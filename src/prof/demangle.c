/*
 * Demangled names of C++ (Itanium ABI) and Rust (legacy and v0) symbols,
 * through libiberty: the demangler of binutils (c++filt, addr2line, perf),
 * which knows both Rust schemes, where libstdc++'s abi::__cxa_demangle()
 * leaves Rust's hash and $LT$ escapes in legacy names and fails on v0.
 *
 * Only the callback entry points are used: they allocate nothing, so no
 * libiberty xmalloc() is linked in to clash with ours (src/util/xalloc.c).
 * For the same reason xalloc.h is not included here: libiberty.h, which
 * demangle.h includes, declares functions of the same names.
 */

#include "vigil.h"

#include <libiberty/demangle.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "prof.h"

#define DEMANGLE_OPTS	(DMGL_PARAMS | DMGL_ANSI)

static void	prof_demangle_put(const char *, size_t, void *);

static void
prof_demangle_put(const char *s, size_t len, void *arg)
{
	buf_add(arg, s, len);
}

/*
 * The demangled name, allocated (the caller frees it), or NULL when sym is
 * not a mangled name either scheme knows. Rust's legacy names are Itanium
 * ones ending in a hash: tried as Rust first, so the hash goes.
 */
char *
prof_demangle(const char *sym)
{
	struct buf	b = BUF_INITIALIZER;
	int		ok;

	if (sym == NULL || sym[0] != '_' || (sym[1] != 'Z' && sym[1] != 'R'))
		return (NULL);
	ok = rust_demangle_callback(sym, DEMANGLE_OPTS, prof_demangle_put, &b);
	if (!ok) {
		buf_reset(&b);
		ok = sym[1] == 'Z' && cplus_demangle_v3_callback(sym,
		    DEMANGLE_OPTS, prof_demangle_put, &b);
	}
	if (!ok || b.len == 0) {
		buf_free(&b);
		return (NULL);
	}
	buf_addc(&b, '\0');
	return (b.data);
}
