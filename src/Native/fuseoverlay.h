/* A rootless container's rootfs served by fuse-overlayfs, where the kernel refuses overlayfs in a user namespace.
   See docs/launch-plan.md, `fuseoverlay`. */
#ifndef MD_FUSEOVERLAY_H
#define MD_FUSEOVERLAY_H

#include <sys/types.h>

#include "error.h"
#include "pasta.h"
#include "plan.h"

/* Monitor, after the id maps and before releasing the init: starts `TOOL -f -o OPTIONS TARGET` as root of the init's
   user namespace, in its mount namespace (so the container does not see it: not in its PID namespace), and waits
   until the mount is there. The daemon is held like pasta's (pid and pidfd; P->pid is -1 without the directive) and
   stopped by pasta_stop. It dies with the monitor (PR_SET_PDEATHSIG): a killed monitor leaves no daemon. */
int fuseoverlay_start (const struct plan *plan, pid_t init, struct pasta *p, struct md_error *err);

#endif
