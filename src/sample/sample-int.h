/* Private interface between the files of src/sample/. */
#ifndef VIGIL_SAMPLE_INT_H
#define VIGIL_SAMPLE_INT_H

struct sysreader;
struct sample_sys;

struct sysreader	*sysreader_new(void);
void			 sysreader_free(struct sysreader *);
int			 sysreader_read(struct sysreader *, struct sample_sys *);

#endif
