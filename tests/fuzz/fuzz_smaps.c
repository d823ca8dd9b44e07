/* A whole /proc/PID/smaps text, classified as the heap snapshot does. */

#include "vigil.h"

#include "heap.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct heap_snap	 s;
	char			*text = fuzz_str(data, size);

	memset(&s, 0, sizeof s);
	heap_smaps_parse(text, size, &s);
	heap_snap_free(&s);
	free(text);
	return (0);
}
