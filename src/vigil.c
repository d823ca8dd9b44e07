/* vigil: a terminal monitor for troubleshooting Linux machines. */

#include "vigil.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "heap.h"
#include "htrack.h"
#include "inspect.h"
#include "options.h"
#include "profcmd.h"
#include "serve.h"
#include "recordcmd.h"
#include "sup.h"
#include "tui.h"

int
main(int argc, char **argv)
{
	struct options	o;
	char		err[256];
	int		status;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, LOCALEDIR);
	textdomain(PACKAGE);

	/* Commands with their own options: profile, dump, heaptrack. */
	if (argc > 1 && strcmp(argv[1], "profile") == 0)
		return (prof_cmd_profile(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "dump") == 0)
		return (prof_cmd_dump(argc - 1, argv + 1));
	if (argc > 1 && strcmp(argv[1], "heaptrack") == 0)
		return (htrack_cmd(argc - 1, argv + 1));
	/* vigil run: its own options too. */
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return (sup_main(argc - 1, argv + 1));
	/* vigil heap: snapshots of a process's memory. */
	if (argc > 1 && strcmp(argv[1], "heap") == 0)
		return (heap_main(argc - 1, argv + 1));
	/* vigil files: a process's open files, as the monitor's L lists them. */
	if (argc > 1 && strcmp(argv[1], "files") == 0)
		return (inspect_files_main(argc - 1, argv + 1));

	/* vigil serve: Prometheus metrics over HTTP, alarms to Alertmanager. */
	if (argc > 1 && strcmp(argv[1], "serve") == 0)
		return (serve_main(argc - 1, argv + 1));
	/* vigil record: the recorder that --replay reads. */
	if (argc > 1 && strcmp(argv[1], "record") == 0)
		return (record_main(argc - 1, argv + 1));

	options_init(&o);
	if (options_parse(&o, argc, argv, err, sizeof err) != 0) {
		fprintf(stderr, "vigil: %s\n", err);
		fprintf(stderr, _("Try 'vigil --help' for more information.\n"));
		options_free(&o);
		return (2);
	}
	if (o.help) {
		options_usage();
		options_free(&o);
		return (0);
	}
	if (o.keys) {
		tui_keys_print(stdout);
		options_free(&o);
		return (0);
	}
	if (o.version) {
		printf("vigil %s\n", PACKAGE_VERSION);
		options_free(&o);
		return (0);
	}
	if (o.batch && o.replay)
		status = replay_batch(&o);
	else
		status = o.batch ? batch_run(&o) : tui_run(&o);
	options_free(&o);
	return (status);
}
