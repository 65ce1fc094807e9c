/* The monitor (conmon pattern): clones the init, places it in its cgroups, releases it,
   reports, relays its output and records its exit status. */
#ifndef MD_MONITOR_H
#define MD_MONITOR_H

#include <sys/types.h>

#include "plan.h"

/* Runs in the forked process of a new session (with `tty`: in the caller's process, attached to
   its terminal); returns the container's exit code. */
int monitor_run (const struct plan *plan);

/* Writes PID into every `cgroup` directive's cgroup.procs file. */
int monitor_join_cgroups (const struct plan *plan, pid_t pid, struct md_error *err);

/* Where the report line goes: fd 1, or fd 2 when the plan came from a file (`mdhelper run PLAN-FILE`). */
extern int monitor_report_fd;

/* Writes the report line on monitor_report_fd (EPIPE is ignored: the caller may be gone). */
void monitor_report_error (const struct md_error *err);

#endif
