/*
 * The commands on top of the store: vigil record (the recorder) and
 * replay in batch mode (vigil --batch --replay), which feeds recorded
 * frames to the refresh that live batch mode prints from.
 */
#ifndef VIGIL_RECORDCMD_H
#define VIGIL_RECORDCMD_H

struct options;

int	 record_main(int, char **);
char	*record_default_dir(void);
int	 replay_batch(struct options *);

#endif
