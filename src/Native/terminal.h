/* A pty for a command inside a container, relayed to the caller's terminal (raw mode, window size). */
#ifndef MD_TERMINAL_H
#define MD_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "error.h"
#include "relay.h"

struct terminal
{
  int master;              /* the pty master, held by the helper outside the container's PID ns */
  bool raw;                /* the caller's fd 0 was put into raw mode and must be restored */
  struct termios saved;
  struct relay_stream *tee; /* optional: what the pty prints also goes to this log stream */
  struct relay_log *log;
};

/* Opens a new pty on the devpts of the current mount namespace (call after setns into it). */
int terminal_open (struct terminal *t, struct md_error *err);

/* In the child: a new session whose controlling terminal is the pty's peer, on fds 0-2. */
int terminal_attach_child (const struct terminal *t, struct md_error *err);

/* Passes the master over a unix socket (SCM_RIGHTS), from the container's init to the monitor. */
int terminal_send_master (int sock, const struct terminal *t, struct md_error *err);
/* Receives it: the master fd, or -1 with errno set. */
int terminal_recv_master (int sock);

/* Puts the caller's terminal (fd 0) into raw mode if it is one, and copies its window size. */
void terminal_take_caller (struct terminal *t);

/* Undoes terminal_take_caller; safe to call twice. */
void terminal_restore_caller (struct terminal *t);

/* Copies the caller's window size to the pty (SIGWINCH). */
void terminal_sync_size (const struct terminal *t);

/* Relays caller <-> pty until CHILD exits; SIG_FD delivers SIGCHLD, SIGWINCH and the signals that
   end the session. Returns CHILD's wait status. T->master (terminal_open makes it so) and SIG_FD
   must be non-blocking. */
int terminal_relay (struct terminal *t, pid_t child, int sig_fd);

#endif
