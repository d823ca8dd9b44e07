/* pcre2 wrapper. */

#include "vigil.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <string.h>

#include "rx.h"
#include "xalloc.h"

struct rx {
	pcre2_code		*code;
	pcre2_match_data	*md;
	char			*pattern;
};

static int
rx_has_upper(const char *s)
{
	for (; *s != '\0'; s++) {
		/* Skip escapes such as \S or \W: they are not capitals. */
		if (*s == '\\' && s[1] != '\0') {
			s++;
			continue;
		}
		if (*s >= 'A' && *s <= 'Z')
			return (1);
	}
	return (0);
}

struct rx *
rx_compile(const char *pattern, int flags, char *err, size_t errlen)
{
	struct rx	*rx;
	pcre2_code	*code;
	PCRE2_UCHAR	 msg[256];
	PCRE2_SIZE	 off;
	uint32_t	 opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int		 rc;

	if ((flags & RX_ICASE) ||
	    ((flags & RX_SMARTCASE) && !rx_has_upper(pattern)))
		opts |= PCRE2_CASELESS;
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
	    &rc, &off, NULL);
	if (code == NULL) {
		pcre2_get_error_message(rc, msg, sizeof msg);
		snprintf(err, errlen, _("at position %zu: %s"), (size_t)off,
		    (char *)msg);
		return (NULL);
	}
	/* JIT is an optimisation; without it matching still works. */
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);

	rx = xmalloc(sizeof *rx);
	rx->code = code;
	rx->md = pcre2_match_data_create_from_pattern(code, NULL);
	rx->pattern = xstrdup(pattern);
	return (rx);
}

void
rx_free(struct rx *rx)
{
	if (rx == NULL)
		return;
	pcre2_match_data_free(rx->md);
	pcre2_code_free(rx->code);
	free(rx->pattern);
	free(rx);
}

int
rx_match(const struct rx *rx, const char *s, size_t len)
{
	return (pcre2_match(rx->code, (PCRE2_SPTR)s, len, 0, 0, rx->md,
	    NULL) >= 0);
}

/*
 * The first match in s[from..len), as byte offsets *so and *eo; 0 when
 * there is none. For highlighting every match of a line.
 */
int
rx_find(const struct rx *rx, const char *s, size_t len, size_t from,
    size_t *so, size_t *eo)
{
	PCRE2_SIZE	*ov;

	if (from > len || pcre2_match(rx->code, (PCRE2_SPTR)s, len, from, 0,
	    rx->md, NULL) < 0)
		return (0);
	ov = pcre2_get_ovector_pointer(rx->md);
	*so = ov[0];
	*eo = ov[1];
	return (1);
}

const char *
rx_pattern(const struct rx *rx)
{
	return (rx->pattern);
}
