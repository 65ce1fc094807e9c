/* Rootless: the init's user namespace and its id maps, written by the monitor (the parent). */
#ifndef MD_USERNS_H
#define MD_USERNS_H

#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* Writes the `userns` directive's uid and gid maps for PID (a child cloned with CLONE_NEWUSER that
   waits for them): through newuidmap/newgidmap when the plan names them, else directly (one id,
   with setgroups denied, as the kernel requires of an unprivileged writer). */
int userns_map (const struct plan *plan, pid_t pid, struct md_error *err);

/* Runs TOOL PID WORDS... (newuidmap 1234 0 1000 1 1 100000 65536) with /dev/null for its stdin and stdout
   (only its exit status counts; its stderr says why) and waits for it. -1 with errno: E2BIG for a MAP too
   long, ENOENT when TOOL could not be run, EPERM when it refused. */
int userns_run_map_tool (const char *tool, pid_t pid, const char *map);

#endif
