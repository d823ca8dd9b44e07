/*
 * The CPython frame walker over a target's memory, which may be anything:
 * the input is a fake address space (see mkseed-python.py for its shape)
 * read through prof_py_open_image() instead of process_vm_readv(2). The
 * walk must end, stay inside what it read, and give names that are valid
 * UTF-8 and locals that are sanitised.
 */

#include "vigil.h"

#include "prof.h"
#include "python-int.h"
#include "sampler-int.h"
#include "sanitize.h"
#include "fuzz.h"

#define IMAGE_BASE	0x100000
#define TID		4242

struct image {
	const uint8_t	*data;
	size_t		 size;
};

static int
image_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	const struct image	*im = arg;

	if (addr < IMAGE_BASE || addr - IMAGE_BASE > im->size ||
	    len > im->size - (addr - IMAGE_BASE))
		return (-1);
	memcpy(buf, im->data + (addr - IMAGE_BASE), len);
	return (0);
}

static void
check_utf8(const char *s)
{
	size_t		i, n, len;
	uint32_t	c;

	if (s == NULL)
		return;
	len = strlen(s);
	for (i = 0; i < len; i += n) {
		n = utf8_decode(s + i, len - i, &c);
		/* Bad bytes decode as U+FFFD too, but not from its own three. */
		if (c == UTF8_REPLACEMENT && (n != 3 ||
		    memcmp(s + i, "\xef\xbf\xbd", 3) != 0))
			abort();
	}
}

/* Sanitised: lines of text, no other control byte. */
static void
check_clean(const char *s)
{
	const unsigned char	*p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			abort();
	}
	check_utf8(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prof_py_image	 pi;
	struct image		 im;
	struct prof_py		*py;
	struct prof		*p;
	const size_t		*frames;
	const int		*entry;
	const char		*args, *locals;
	char			 note[256];
	size_t			 depth, i;
	unsigned		 minor;
	int			 pass;

	if (size < 2)
		return (0);
	minor = 11 + data[0] % 3;
	im.data = data + 2;
	im.size = size - 2;
	memset(&pi, 0, sizeof pi);
	pi.mem = image_read;
	pi.arg = &im;
	pi.runtime = IMAGE_BASE + 0x200;
	pi.hexversion = 0x030000f0 | minor << 16;
	pi.code_type = IMAGE_BASE;
	pi.str_type = IMAGE_BASE + 0x40;
	pi.bytes_type = IMAGE_BASE + 0x80;
	p = prof_new(1, "fuzz", 100);
	if ((py = prof_py_open_image(&pi, p, note, sizeof note)) == NULL) {
		if (note[0] == '\0')
			abort();	/* a refusal says why */
		prof_free(p);
		return (0);
	}
	prof_py_want_locals(py, data[1] & 1);
	/* Twice: the second walk meets the caches the first filled. */
	for (pass = 0; pass < 2; pass++) {
		if (prof_py_read(py, TID) > PROF_MAX_DEPTH)
			abort();
		depth = prof_py_stack(py, TID, &frames, &entry);
		if (depth > PROF_MAX_DEPTH)
			abort();
		for (i = 0; i < depth; i++) {
			if (frames[i] >= p->nframes)
				abort();
			check_utf8(p->frames[frames[i]].func);
			check_utf8(p->frames[frames[i]].file);
			if (prof_py_locals(py, TID, i, &args, &locals) != 0)
				abort();
			check_clean(args);
			check_clean(locals);
		}
		if (depth > 0 && entry[depth - 1] != 1)
			abort();
		(void)prof_py_holds_gil(py, TID);
	}
	prof_py_free(py);
	prof_free(p);
	return (0);
}
