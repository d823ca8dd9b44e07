/*
 * The requests a supervisor's socket accepts from its clients: whatever
 * the bytes, sup_parse_request() reads only them, and a restart of a PID
 * is a restart of exactly the PID the line spells in digits.
 */

#include "vigil.h"

#include <limits.h>

#include "sup.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sup_req	 r;
	char		*copy;
	size_t		 n, i;
	long long	 v;

	/* An exact-size copy: ASan sees any read past the bytes given. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	sup_parse_request(copy, size, &r);
	for (n = 0; n < size; n++) {
		if (copy[n] == '\r' || copy[n] == '\n' || copy[n] == '\0')
			break;
	}
	switch (r.kind) {
	case SUP_REQ_STATUS:
		if (n != 6 || memcmp(copy, "status", 6) != 0 || r.pid != 0)
			abort();
		break;
	case SUP_REQ_STOP:
		if (n != 4 || memcmp(copy, "stop", 4) != 0 || r.pid != 0)
			abort();
		break;
	case SUP_REQ_RESTART:
		if (n < 7 || memcmp(copy, "restart", 7) != 0)
			abort();
		if (n == 7) {
			if (r.pid != 0)
				abort();
			break;
		}
		/* "restart " then digits, no leading zero past the value. */
		if (copy[7] != ' ' || n == 8)
			abort();
		for (v = 0, i = 8; i < n; i++) {
			if (copy[i] < '0' || copy[i] > '9' || v > INT_MAX)
				abort();
			v = v * 10 + (copy[i] - '0');
		}
		if (v <= 0 || v > INT_MAX || v != r.pid)
			abort();
		break;
	case SUP_REQ_BAD_PID:
		if (n < 8 || memcmp(copy, "restart ", 8) != 0 || r.pid != 0)
			abort();
		break;
	case SUP_REQ_UNKNOWN:
		if (r.pid != 0 || (n == 6 && memcmp(copy, "status", 6) == 0) ||
		    (n == 4 && memcmp(copy, "stop", 4) == 0) ||
		    (n >= 7 && memcmp(copy, "restart", 7) == 0 &&
		    (n == 7 || copy[7] == ' ')))
			abort();
		break;
	default:
		abort();
	}
	free(copy);
	return (0);
}
