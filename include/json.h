/*
 * Streaming JSON writer into a caller-owned struct buf. Commas and nesting
 * are tracked for the caller; strings are escaped and invalid UTF-8 becomes
 * U+FFFD, so untrusted text is safe in the output.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define JSON_MAX_DEPTH	64

struct json {
	struct buf	*b;
	int		 depth;
	uint64_t	 nonempty;	/* bit per level: an element was written */
	int		 after_key;
};

void	json_init(struct json *, struct buf *);
void	json_object_begin(struct json *);
void	json_object_end(struct json *);
void	json_array_begin(struct json *);
void	json_array_end(struct json *);
void	json_key(struct json *, const char *);
void	json_string(struct json *, const char *);
void	json_stringn(struct json *, const char *, size_t);
void	json_int(struct json *, long long);
void	json_uint(struct json *, unsigned long long);
void	json_double(struct json *, double, int);
void	json_bool(struct json *, int);
void	json_null(struct json *);

#endif
