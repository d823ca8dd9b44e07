/*
 * The configuration file (~/.config/vigil/vigilrc): any text is read line
 * by line, a wrong line reported with its number, and nothing more.
 */

#include "vigil.h"

#include <sys/stat.h>

#include <stdio.h>
#include <unistd.h>

#include "configfile.h"
#include "options.h"
#include "fuzz.h"

static char	dir[256];
static char	path[512];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 cfg;
	struct options	 o;
	FILE		*f;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/vigil-fuzz-%d",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp",
		    (int)getpid());
		snprintf(path, sizeof path, "%s/vigil", dir);
		mkdir(dir, 0700);
		mkdir(path, 0700);
		snprintf(path, sizeof path, "%s/vigil/vigilrc", dir);
		setenv("XDG_CONFIG_HOME", dir, 1);
	}
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
	options_init(&o);
	config_load(&cfg, &o, 1, NULL);
	config_free(&cfg);
	options_free(&o);
	return (0);
}
