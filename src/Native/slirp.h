/* A rootless container's user-mode network without pasta: slirp4netns serving the init's network namespace, its
   host ports forwarded through its API socket. See docs/launch-plan.md, `slirp4netns` and `hostfwd`. */
#ifndef MD_SLIRP_H
#define MD_SLIRP_H

#include <sys/types.h>

#include "error.h"
#include "pasta.h"
#include "plan.h"

/* The API socket slirp4netns makes in the directory of its pid file (relative: slirp4netns runs there, so the
   path never outgrows sun_path). */
#define SLIRP_API_SOCKET "slirp4netns.sock"

struct slirp
{
  struct pasta proc;  /* the process, killed and reaped the way pasta's is (pasta_stop) */
  int exit_fd;        /* our end of its --exit-fd: slirp4netns exits when the monitor is gone, even by SIGKILL */
};

/* Monitor, after the id maps and before releasing the init: runs `SLIRP OPTIONS... --ready-fd=3 --exit-fd=4
   --api-socket=slirp4netns.sock INIT IFNAME` in PIDFILE's directory, writes its pid to PIDFILE, waits until it
   has configured the interface, then asks it (add_hostfwd) for every `hostfwd`. A failure is the directive's:
   `error N slirp4netns ENOENT|EIO|ETIMEDOUT SLIRP` or `error N hostfwd EADDRINUSE <its answer>`. */
int slirp_start (const struct plan *plan, pid_t init, struct slirp *s, struct md_error *err);

/* Kills and reaps it; idempotent. */
void slirp_stop (struct slirp *s);

#endif
