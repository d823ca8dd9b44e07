/*
 * The interactive monitor: an ncurses screen over the model, driven by the
 * event loop (keys, mouse, the refresh timer, SIGWINCH).
 */
#ifndef VIGIL_TUI_H
#define VIGIL_TUI_H

#include <stdio.h>

struct options;

int	tui_run(struct options *);
void	tui_keys_print(FILE *);

#endif
