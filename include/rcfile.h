/*
 * The configuration file, $XDG_CONFIG_HOME/vigil/vigilrc (else
 * ~/.config/vigil/vigilrc): "key = value" lines, '#' comments; an alarm
 * rule may also be written "alarm NAME: RULE", without '='. Reading
 * calls back once per setting; a malformed line is reported with the file
 * and line and skipped, so the settings before it stand. Writing replaces
 * one key in a temporary file renamed over the old one, so a crash never
 * leaves half a file.
 */
#ifndef VIGIL_RCFILE_H
#define VIGIL_RCFILE_H

#include <stddef.h>

/* Returns 0, or -1 with a message (no file:line prefix) in err. */
typedef int (*rcfile_cb)(const char *, const char *, void *, char *, size_t);
/* Called with "FILE:LINE: message" for each line that is wrong. */
typedef void (*rcfile_report_cb)(const char *, void *);

#define RCFILE_ALARM	"alarm"
#define RCFILE_GROUP	"group"

char	*rcfile_path(void);
int	 rcfile_load(const char *, rcfile_cb, void *, char *, size_t);
int	 rcfile_load_report(const char *, rcfile_cb, rcfile_report_cb,
	     void *);
int	 rcfile_set(const char *, const char *, const char *, char *, size_t);

#endif
