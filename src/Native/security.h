/* Process security: rlimits, user, no_new_privs, capabilities, fd hygiene, seccomp. */
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

/* seccomp.c: compiles the plan's filter (seccomp + syscall directives) to BPF while the host is still
   reachable, reading or filling the plan's seccompcache file; no-op without a filter. Compiling
   costs ~10 ms, loading a cached program microseconds. */
int seccomp_prepare (const struct plan *plan, struct md_error *err);

/* seccomp.c: frees the prepared program (a process that will never load it, e.g. the monitor). */
void seccomp_forget_prepared (void);

/* seccomp.c: loads the plan's filter, the prepared program if there is one; no-op without one. */
int seccomp_load_plan (const struct plan *plan, struct md_error *err);

#endif
