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

/* Shared with slirp4netns (slirp.c). Splits OPTIONS (space-separated, in place) into ARGV from *ARGC on; -1 with
   E2BIG past MAX words. */
int usermode_split_options (char *options, char **argv, int *argc, int max);

/* In the forked child, before execve: stdin /dev/null, stdout and stderr to PIDFILE.log, signals as a new process
   has them. */
void usermode_child_stdio (const char *pidfile);

#endif
