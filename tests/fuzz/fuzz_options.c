/*
 * vigil's command line (one grammar, src/util/cmdline.c): the input's
 * lines are the words after "vigil"; every option value, duration and
 * number is parsed or refused with a message.
 */

#include "vigil.h"

#include "options.h"
#include "fuzz.h"

#define FUZZ_MAX_ARGS	32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options	 o;
	char		*text = fuzz_str(data, size), *argv[FUZZ_MAX_ARGS + 2];
	char		*p, *nl, err[512];
	int		 argc = 0;

	argv[argc++] = (char *)"vigil";
	for (p = text; argc <= FUZZ_MAX_ARGS; p = nl + 1) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		argv[argc++] = p;
		if (nl == NULL)
			break;
	}
	argv[argc] = NULL;
	options_init(&o);
	err[0] = '\0';
	if (options_parse(&o, argc, argv, err, sizeof err) < 0 &&
	    err[0] == '\0')
		abort();	/* a refusal says why */
	options_free(&o);
	free(text);
	return (0);
}
