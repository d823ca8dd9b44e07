/* Alarm rules (--alarm, "alarm =" lines): parsed or refused, never more. */

#include "vigil.h"

#include "alarm.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alarm_rule	*r;
	char			 err[256], *s = fuzz_str(data, size);

	if ((r = alarm_parse(s, err, sizeof err)) != NULL)
		alarm_rule_free(r);
	else if (err[0] == '\0')
		abort();	/* a refusal says why */
	free(s);
	return (0);
}
