/*
 * Moments as people type them, for --at, --from and --to: ISO 8601
 * ("2026-12-02T03:10:00Z", "2026-12-02 03:10", with an offset or in local
 * time), a time of day today ("03:10"), "now", a duration before now
 * ("3h ago", "90s ago", "1h30m ago", the units of duration.h) or seconds
 * since the epoch ("@1764730200"). Results are epoch seconds.
 */
#ifndef VIGIL_WHEN_H
#define VIGIL_WHEN_H

#include <stddef.h>

int	 when_parse(const char *, double, double *);
char	*when_error(char *, size_t, const char *, const char *);

#endif
