// Which demangler names more symbols of a binary right: libstdc++'s
// abi::__cxa_demangle() or libiberty's (what vigil's prof_demangle() uses),
// each compared with c++filt's answer (given on stdin, one "mangled\tfiltered"
// line per symbol). Prints the counts. Built and run by bench/demangle.sh.
#include <cxxabi.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <iostream>
#include <regex>

extern "C" char *prof_demangle(const char *);

int
main()
{
	// c++filt prints Rust v0 crate disambiguators ("core[c1f1a4ba]"), as
	// DMGL_VERBOSE asks; vigil leaves them out. Compared without them.
	const std::regex crate("\\[[0-9a-f]+\\]");
	std::string line;
	long n = 0, cxa = 0, ib = 0, cxa_any = 0, ib_any = 0, legacy = 0;

	while (std::getline(std::cin, line)) {
		size_t tab = line.find('\t');
		if (tab == std::string::npos)
			continue;
		std::string sym = line.substr(0, tab), want = line.substr(tab + 1);
		want = std::regex_replace(want, crate, "");
		if (want == sym)
			continue;	// c++filt left it: not mangled
		n++;
		int st;
		char *a = abi::__cxa_demangle(sym.c_str(), nullptr, nullptr, &st);
		if (a != nullptr) {
			cxa_any++;
			// Rust legacy, Itanium-demangled: hash and $LT$ left in.
			if (std::strstr(a, "17h") != nullptr ||
			    std::strstr(a, "$LT$") != nullptr ||
			    std::regex_search(a, std::regex("::h[0-9a-f]{16}$")))
				legacy++;
		}
		if (a != nullptr && want == a)
			cxa++;
		std::free(a);
		char *b = prof_demangle(sym.c_str());
		if (b != nullptr)
			ib_any++;
		if (b != nullptr && want == b)
			ib++;
		std::free(b);
	}
	std::printf("%ld mangled; demangled at all: __cxa_demangle %ld, "
	    "libiberty %ld; as c++filt: __cxa_demangle %ld (%.1f%%), "
	    "libiberty %ld (%.1f%%); __cxa_demangle with a Rust hash or "
	    "escape left: %ld\n", n, cxa_any, ib_any, cxa,
	    n ? 100.0 * cxa / n : 0, ib, n ? 100.0 * ib / n : 0, legacy);
	return 0;
}
