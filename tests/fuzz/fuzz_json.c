/* The JSON reader (heap snapshots, vigil's own outputs read back). */

#include "vigil.h"

#include "jsonv.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jsonv	*v;
	char		 err[256];

	err[0] = '\0';
	if ((v = jsonv_parse((const char *)data, size, err, sizeof err)) !=
	    NULL)
		jsonv_free(v);
	else if (err[0] == '\0')
		abort();
	return (0);
}
