/*
 * Durations as people type them: 250ms, 2s, 1.5m, 1h, 100us, and
 * combinations such as 1m30s. One parser for every option, configuration
 * key and alarm clause that takes a time, so they all read the same way.
 * A bare number is in the unit the caller passes (seconds for --duration,
 * tenths of a second for htop's -d); 0 there means a unit is required.
 */
#ifndef VIGIL_DURATION_H
#define VIGIL_DURATION_H

#include <stddef.h>

/* Unit of a bare number, in seconds. */
#define DURATION_SECONDS	1.0
#define DURATION_TENTHS		0.1
#define DURATION_NO_BARE	0.0

int	 duration_parse(const char *, double, double *);
int	 duration_parse_len(const char *, size_t, double, double *);
char	*duration_error(char *, size_t, const char *, const char *);

#endif
