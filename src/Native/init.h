/* The container's init: everything between clone() and execve(). */
#ifndef MD_INIT_H
#define MD_INIT_H

#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "error.h"
#include "plan.h"

struct init_args
{
  const struct plan *plan;
  int sync_fd;      /* read end: one byte once the monitor placed us in our cgroups (unless self_join) */
  int error_fd;     /* CLOEXEC write end: a struct md_error on failure, EOF on exec */
  int stdout_fd;
  int stderr_fd;
  mode_t umask;     /* the caller's umask, restored for the command */
  int tty_fd;       /* `tty`: unix socket on which the init sends its pty master to the monitor */
  struct winsize winsize;  /* `tty`: the caller's window size, given to the pty before the command starts */
  bool has_winsize;
  bool self_join;   /* v1, no userns: we move ourselves into the plan's cgroups once released (cgjoin.c) */
};

/* clone() entry point; never returns on success. */
int init_main (void *arg);

/* execvpe the plan's argv with the plan's env (its PATH); fills err on failure. */
int init_exec_command (const struct plan *plan, struct md_error *err);

/* Signal state a command must start with: default dispositions, nothing blocked. */
int init_reset_signals (struct md_error *err);

#endif
