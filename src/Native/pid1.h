/* `init` directive: the helper stays PID 1, runs the command as its child, forwards signals
   and reaps orphans. */
#ifndef MD_PID1_H
#define MD_PID1_H

#include "plan.h"

_Noreturn void pid1_run (const struct plan *plan, int error_fd);

#endif
