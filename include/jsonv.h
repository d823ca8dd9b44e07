/*
 * A small JSON reader: the text becomes a tree of struct jsonv values that
 * the caller walks with jsonv_get()/jsonv_at() and frees with jsonv_free().
 * It reads back what vigil wrote with json.h (saved heap snapshots, the
 * output of a child); strings are decoded to UTF-8 and may hold NUL bytes
 * (len says how long they are). The tree owns all its memory.
 */
#ifndef VIGIL_JSONV_H
#define VIGIL_JSONV_H

#include <stddef.h>
#include <stdint.h>

enum jsonv_type {
	JSONV_NULL, JSONV_BOOL, JSONV_NUMBER, JSONV_STRING, JSONV_ARRAY,
	JSONV_OBJECT
};

struct jsonv {
	enum jsonv_type	 type;
	int		 b;		/* JSONV_BOOL */
	double		 num;		/* JSONV_NUMBER */
	int		 is_int;	/* the number was an integer that fits */
	long long	 i;		/*   in i */
	int		 is_uint;	/* a non-negative integer that fits */
	unsigned long long u;		/*   in u */
	char		*s;		/* JSONV_STRING, NUL-terminated */
	size_t		 len;
	struct jsonv	*v;		/* JSONV_ARRAY and JSONV_OBJECT */
	char		**keys;		/* JSONV_OBJECT: one per element */
	size_t		 n;
};

#define JSONV_MAX_DEPTH	64

struct jsonv		*jsonv_parse(const char *, size_t, char *, size_t);
void			 jsonv_free(struct jsonv *);
const struct jsonv	*jsonv_get(const struct jsonv *, const char *);
const struct jsonv	*jsonv_at(const struct jsonv *, size_t);
long long		 jsonv_int(const struct jsonv *, long long);
unsigned long long	 jsonv_uint(const struct jsonv *, unsigned long long);
double			 jsonv_num(const struct jsonv *, double);
const char		*jsonv_str(const struct jsonv *);

#endif
