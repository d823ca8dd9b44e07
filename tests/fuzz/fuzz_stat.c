/*
 * /proc/PID/stat as the sampler reads it through its kept descriptors: a
 * name with spaces, parentheses and any bytes between the first '(' and
 * the last ')', and fields that may be cut short.
 */

#include "vigil.h"

#include "sample.h"
#include "sample-int.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sample_proc	 p;
	char			*text = fuzz_str(data, size), comm[PROCFD_COMM];

	memset(&p, 0, sizeof p);
	if (procfd_parse_stat(text, (int)strtol(text, NULL, 10), &p,
	    comm) == 0 && strlen(comm) >= PROCFD_COMM)
		abort();
	free(text);
	return (0);
}
