/*
 * The recording store: what `vigil record` writes and what replay reads.
 *
 * A frame is what one refresh of the monitor saw: the system counters and
 * every process as the sampler reported it (struct sample_proc), with the
 * command line and raw name the model read for it. The codec turns a frame
 * into bytes delta-encoded against the previous frame of each process
 * (identity: PID and start time; names and command line written when a
 * process is first seen or changes them); the store appends frames to
 * chunk files in a directory.
 *
 * On disk (little-endian): files NAME.vrec, NAME the UTC time of the first
 * frame (20261203T184800Z), one per hour or per size, each a file header
 * then records. A record is a 24-byte header (magic, length, CRC-32 of the
 * rest, sequence in its chunk, wall time) and one frame compressed by a
 * zstd stream flushed after the frame. A chunk is a run of records sharing
 * one zstd stream and one delta chain, from a keyframe (sequence 0): it is
 * what a reader can decode on its own, so a bad record costs the rest of
 * its chunk and nothing else. NAME.vidx lists each chunk's offset and time
 * for look-ups. Since a record is written with one write() and checked by
 * its CRC, a recorder killed mid-write loses at most that frame.
 *
 * Ownership: a decoded frame belongs to the decoder (or reader) and stays
 * valid until the next decode; frames given to the encoder are copied.
 */
#ifndef VIGIL_RECORD_H
#define VIGIL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "alarm.h"
#include "buf.h"
#include "sample.h"

#define RECORD_EXITS_SEEN	0x1	/* every exit between frames is known */
#define RECORD_ALARMS		0x2	/* the recorder's alarm state is kept */

#define RECORD_CHUNK_FRAMES	120	/* a keyframe every 10 min at 5 s */
#define RECORD_FILE_SECS	3600
#define RECORD_FILE_MAX		(64UL << 20)
#define RECORD_KEEP_DEFAULT	(7 * 86400.0)
#define RECORD_MAX_SIZE_DEFAULT	(2ULL << 30)

/* A process that was in the previous frame and is not in this one. */
struct record_exit {
	int			 pid;
	int			 ppid;
	unsigned long long	 start;		/* ticks after boot */
	unsigned long long	 ticks;		/* CPU used, last seen */
	const char		*comm;
	const char		*cmdline;	/* NULL: never read */
	double			 last_seen;	/* boot seconds */
	int			 exit_code;	/* -1: not known */
};

struct record_frame {
	double			 wall;		/* epoch seconds */
	int			 flags;		/* RECORD_ */
	struct sample_sys	 sys;
	struct sample_proc	*procs;		/* by PID */
	const char		**cmdline;	/* per process; NULL: not read */
	const char		**rawcomm;	/* per process; NULL: not read */
	size_t			 nprocs;
	struct record_exit	*exits;
	size_t			 nexits;
	/* RECORD_ALARMS: firing at this frame, and events since the last. */
	struct alarm_note	*firing;
	size_t			 nfiring;
	struct alarm_note	*events;
	size_t			 nevents;
};

/* Codec: frames to bytes and back; keeps the previous frame. */
struct record_codec;

struct record_codec *record_codec_new(void);
void		 record_codec_free(struct record_codec *);
void		 record_codec_reset(struct record_codec *);
void		 record_encode(struct record_codec *,
		     const struct record_frame *, struct buf *);
int		 record_decode(struct record_codec *, const void *, size_t,
		     struct record_frame *);

/* Writer: appends frames to the store in dir. */
struct record_wopts {
	size_t			 chunk_frames;
	double			 file_secs;
	unsigned long long	 file_max;	/* bytes */
	double			 keep;		/* seconds; 0: no age limit */
	unsigned long long	 max_size;	/* bytes; 0: no size limit */
	long			 hz;
	const char		*host;
};

struct record_writer;

void		 record_wopts_init(struct record_wopts *);
struct record_writer *record_writer_open(const char *,
		     const struct record_wopts *, char *, size_t);
int		 record_writer_put(struct record_writer *,
		     const struct record_frame *, char *, size_t);
void		 record_writer_close(struct record_writer *);
int		 record_retention(const char *, const char *, double,
		     unsigned long long, double);

/* Reader: frames in time order from every file of dir. */
typedef void (*record_warn_cb)(const char *, void *);

struct record_reader;

struct record_reader *record_reader_open(const char *, record_warn_cb,
		     void *, char *, size_t);
void		 record_reader_free(struct record_reader *);
int		 record_reader_seek(struct record_reader *, double);
int		 record_reader_next(struct record_reader *,
		     const struct record_frame **);
long		 record_reader_hz(const struct record_reader *);
const char	*record_reader_host(const struct record_reader *);
int		 record_reader_span(struct record_reader *, double *,
		     double *);

/* One file's image, for tests and the fuzzer: frames and warnings. */
size_t		 record_scan_image(const void *, size_t, record_warn_cb,
		     void *, void (*)(const struct record_frame *, void *),
		     void *);

#endif
