/*
 * Unit formatting for columns: memory sizes, TIME+, durations, I/O
 * priorities. Each writes a NUL-terminated string into a caller-provided
 * array and returns it.
 */
#ifndef VIGIL_FMT_H
#define VIGIL_FMT_H

#include <stddef.h>
#include <stdint.h>

#define FMT_SIZE	16

char	*fmt_uint(char *, size_t, unsigned long long, int);
char	*fmt_kib(char *, size_t, uint64_t);
char	*fmt_size(char *, size_t, double, int);
char	*fmt_growth(char *, size_t, double);
char	*fmt_bytes(char *, size_t, int64_t, int);
char	*fmt_rate(char *, size_t, double);
char	*fmt_time_plus(char *, size_t, double);
char	*fmt_uptime(char *, size_t, double);
char	*fmt_ioprio(char *, size_t, int);

#endif
