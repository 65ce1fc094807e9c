/* Process security: rlimits, user, no_new_privs, capabilities, fd hygiene; the seccomp filter is seccomp.h. */
#ifndef MD_SECURITY_H
#define MD_SECURITY_H

#include "error.h"
#include "plan.h"

/* Everything between "filesystem ready" and execve, in runc's order: rlimits, bounding set,
   user and groups (capabilities kept across setuid), no_new_privs, capset (inheritable and
   ambient cleared), the plan's cwd, close every fd but 0-2 and KEEP_FD, seccomp last (so only
   execve runs under it). The init calls it; an exec'd process must call it the same way after
   joining the container's namespaces. KEEP_FD may be -1. */
int apply_process_security (const struct plan *plan, int keep_fd, struct md_error *err);

#endif
