/* Joining cgroup v1 hierarchies without the cost of moving another process (issue 15). */
#ifndef MD_CGJOIN_H
#define MD_CGJOIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* True when every `cgroup` directive names a v1 cgroup.procs beside a writable `tasks` file: then the
   process to be placed can move itself with cgroup_join_self. False for none, or any v2 one. */
bool cgroup_can_join_self (const struct plan *plan);

/* Moves the calling process, which must be single-threaded, into every `cgroup` directive's cgroup by
   writing "0" to its hierarchy's `tasks` file. */
int cgroup_join_self (const struct plan *plan, struct md_error *err);

/* v2: for a plan whose only `cgroup` directive is a cgroup.procs without `tasks` beside it, its directory
   opened for CLONE_INTO_CGROUP; -1 otherwise. */
int cgroup_open_v2_dir (const struct plan *plan);

/* clone3 with CLONE_INTO_CGROUP and SIGCHLD: the child is born in CGROUP_FD's cgroup, runs FN (ARG) on a
   copy of our stack (no CLONE_VM: like fork) and exits with its result. -1 with errno when the kernel
   cannot; the caller then clones and moves the child as before (and meets any real error there). */
pid_t cgroup_clone_into (unsigned long namespaces, int cgroup_fd, int (*fn) (void *), void *arg);

#endif
