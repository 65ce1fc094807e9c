/* Joining cgroup v1 hierarchies without the cost of moving another process (issue 15). */
#ifndef MD_CGJOIN_H
#define MD_CGJOIN_H

#include <stdbool.h>

#include "error.h"
#include "plan.h"

/* True when every `cgroup` directive names a v1 cgroup.procs beside a writable `tasks` file: then the
   process to be placed can move itself with cgroup_join_self. False for none, or any v2 one. */
bool cgroup_can_join_self (const struct plan *plan);

/* Moves the calling process, which must be single-threaded, into every `cgroup` directive's cgroup by
   writing "0" to its hierarchy's `tasks` file. */
int cgroup_join_self (const struct plan *plan, struct md_error *err);

#endif
