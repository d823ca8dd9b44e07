/*
 * The commands on top of the store: vigil record (the recorder) and
 * replay in batch mode (vigil --batch --replay), which feeds recorded
 * frames to the refresh that live batch mode prints from.
 */
#ifndef VIGIL_RECORDCMD_H
#define VIGIL_RECORDCMD_H

#include <stddef.h>

struct options;
struct record_frame;
struct refresh;

int	 record_main(int, char **);
char	*record_default_dir(void);
int	 replay_batch(struct options *);
void	 replay_feed(struct refresh *, const struct record_frame *);
size_t	 replay_prefill(struct refresh *, const struct options *);

#endif
