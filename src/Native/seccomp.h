/* The plan's seccomp filter (`seccomp`, `syscall`, `seccompcache`): compiled on the host side, loaded
   last by the process it confines. Not libseccomp's <seccomp.h>: that one is only seen by seccomp.c. */
#ifndef MD_SECCOMP_H
#define MD_SECCOMP_H

#include "error.h"
#include "plan.h"

/* Compiles the plan's filter (seccomp + syscall directives) to BPF while the host is still
   reachable, reading or filling the plan's seccompcache file; no-op without a filter. Compiling
   costs ~10 ms, loading a cached program microseconds. */
int seccomp_prepare (const struct plan *plan, struct md_error *err);

/* Frees the prepared program (a process that will never load it, e.g. the monitor). */
void seccomp_forget_prepared (void);

/* Loads the plan's filter, the prepared program if there is one; no-op without one. */
int seccomp_load_plan (const struct plan *plan, struct md_error *err);

#endif
