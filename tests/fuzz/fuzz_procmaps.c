/*
 * /proc/PID/maps and smaps header lines, as the profiler and the heap
 * snapshot read them: from a NUL-terminated copy of the file.
 */

#include "vigil.h"

#include "procmaps.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procmaps_line	 m;
	char			*text = fuzz_str(data, size);
	const char		*p = text, *end = p + size, *eol;

	while (p < end) {
		if ((eol = memchr(p, '\n', end - p)) == NULL)
			eol = end;
		if (procmaps_parse_line(p, eol, &m) == 0 && m.start > m.end)
			abort();
		p = eol + 1;
	}
	free(text);
	return (0);
}
