/*
 * vigil serve: the monitor's samples as Prometheus metrics on an HTTP
 * endpoint (libmicrohttpd), and its alarms sent to Alertmanager; see
 * EXPORTING in vigil(1). The exporter serves whichever command samples:
 * vigil serve's own timer or vigil record's (record --listen), one
 * sampler either way.
 */
#ifndef VIGIL_SERVE_H
#define VIGIL_SERVE_H

#include <stddef.h>

struct options;
struct refresh;
struct serve_export;

int	serve_main(int, char **);

struct serve_export	*serve_export_new(const struct options *,
			     struct refresh *, const char *, char *, size_t);
int			 serve_export_start(struct serve_export *, char *,
			     size_t);
void			 serve_export_describe(const struct serve_export *,
			     char *, size_t);
void			 serve_export_refreshed(struct serve_export *, double);
void			 serve_export_free(struct serve_export *);

#endif
