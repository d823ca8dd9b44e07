/*
 * vigil serve: the monitor's samples as Prometheus metrics on an HTTP
 * endpoint (libmicrohttpd), and its alarms sent to Alertmanager. The
 * command's own options; see EXPORTING in vigil(1).
 */
#ifndef VIGIL_SERVE_H
#define VIGIL_SERVE_H

int	serve_main(int, char **);

#endif
