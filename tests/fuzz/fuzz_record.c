/*
 * The record store's decoder: a chunk file's image as a reader finds it on
 * disk (any damage, any length), or with a first byte of 0, one frame as
 * the codec reads it. Whatever decodes must encode and decode again to the
 * same processes.
 */

#include "vigil.h"

#include "buf.h"
#include "record.h"
#include "fuzz.h"

static void
fuzz_frame(const struct record_frame *f, void *arg)
{
	struct record_codec	*enc = record_codec_new(), *dec;
	struct record_frame	 g;
	struct buf		 b = BUF_INITIALIZER;
	size_t			 i;

	dec = record_codec_new();
	record_encode(enc, f, &b);
	if (record_decode(dec, b.data, b.len, &g) != 0 ||
	    g.nprocs != f->nprocs)
		abort();
	for (i = 0; i < g.nprocs; i++)
		if (g.procs[i].pid != f->procs[i].pid ||
		    g.procs[i].ticks != f->procs[i].ticks ||
		    strcmp(g.procs[i].comm, f->procs[i].comm) != 0)
			abort();
	buf_free(&b);
	record_codec_free(enc);
	record_codec_free(dec);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record_codec	*c;
	struct record_frame	 f;

	if (size > 0 && data[0] == 0) {
		c = record_codec_new();
		/* Twice: the second decodes against the first. */
		if (record_decode(c, data + 1, size - 1, &f) == 0) {
			fuzz_frame(&f, NULL);
			record_decode(c, data + 1, size - 1, &f);
		}
		record_codec_free(c);
		return (0);
	}
	record_scan_image(data, size, NULL, NULL, fuzz_frame, NULL);
	return (0);
}
