/* Durations ("250ms", "1.5m", a bare number in the option's unit). */

#include "vigil.h"

#include <math.h>

#include "duration.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double	v;
	char	*s = fuzz_str(data, size);

	if (duration_parse(s, 1, &v) == 0 && (!isfinite(v) || v < 0))
		abort();	/* what it accepts is a time */
	if (duration_parse_len((const char *)data, size, 0.1, &v) == 0 &&
	    (!isfinite(v) || v < 0))
		abort();
	free(s);
	return (0);
}
