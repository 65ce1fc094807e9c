/* `init` directive: the helper stays PID 1, runs the command as its child, forwards signals
   and reaps orphans. */
#ifndef MD_PID1_H
#define MD_PID1_H

#include <stddef.h>

#include "plan.h"

_Noreturn void pid1_run (const struct plan *plan, int error_fd);

/* main() hands over its argv area (contiguous, argv[0] to the last NUL), which PID 1 overwrites
   with a neutral title so /proc/1/cmdline shows no host path of the helper. */
void pid1_set_title_area (char *start, size_t len);

#endif
