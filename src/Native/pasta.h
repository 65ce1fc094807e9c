/* A rootless container's user-mode network: pasta (Debian's passt package) serving the init's network
   namespace. See docs/launch-plan.md, `pasta`. */
#ifndef MD_PASTA_H
#define MD_PASTA_H

#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* The running pasta of one container: its pid (host view) and a pidfd on it (-1 where the kernel has none). */
struct pasta
{
  pid_t pid;
  int pidfd;
};

/* Monitor, after the id maps and before releasing the init: runs `PASTA OPTIONS... --pid PIDFILE INIT` and waits for
   it to be ready (it daemonizes once the namespace is configured and the host ports are bound). Its exit status is
   the error: `error N pasta STATUS PATH`. P->pid is -1 without a `pasta` directive. */
int pasta_start (const struct plan *plan, pid_t init, struct pasta *p, struct md_error *err);

/* Kills and reaps it (after the init has exited, or on a failed launch); idempotent. */
void pasta_stop (struct pasta *p);

#endif
