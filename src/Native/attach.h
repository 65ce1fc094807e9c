/* The attach socket (conmon's pattern): a unix seqpacket socket in the container's run directory;
   every chunk the container writes goes to each connected client as one message, first byte the
   stream. While a client cannot take more, the monitor reads no more (backpressure, nothing dropped). */
#ifndef MD_ATTACH_H
#define MD_ATTACH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define ATTACH_MAX_CLIENTS 4
#define ATTACH_CHUNK 16384

enum { ATTACH_STDOUT = 1, ATTACH_STDERR = 2 };

struct attach
{
  int listen_fd;                      /* -1: no attach socket */
  const char *path;
  int clients[ATTACH_MAX_CLIENTS];    /* -1: free slot */
  bool blocked[ATTACH_MAX_CLIENTS];   /* the current message is still to be sent to it */
  bool holding;                       /* `attachhold`: nothing is read until the first client came */
  long long hold_until_ms;            /* CLOCK_MONOTONIC */
  size_t len;                         /* bytes in msg: the stream byte and the data */
  char msg[1 + ATTACH_CHUNK];
};

/* No socket: attach_* calls are no-ops. */
void attach_none (struct attach *a);
/* Creates the listening socket at PATH (0600; a stale one is replaced); with HOLD_MS > 0 the output
   is held until the first client connects or HOLD_MS pass. -1 with errno on failure. */
int attach_open (struct attach *a, const char *path, unsigned long hold_ms);
/* True while the container's output must not be read: holding, or a client has not taken the last message. */
bool attach_paused (struct attach *a);
/* The poll timeout while holding (ms), else -1; ends the hold once its time has passed. */
int attach_poll_timeout (struct attach *a);
/* Adds the pollfds the socket needs (the listener, blocked clients); returns how many. */
int attach_pollfds (const struct attach *a, struct pollfd *pfd);
/* Handles their events: accepts clients, sends the pending message to clients that can take it now. */
void attach_handle (struct attach *a, const struct pollfd *pfd, int n);
/* Sends LEN bytes of STREAM (already in msg + 1) to every client. */
void attach_send (struct attach *a, int stream, size_t len);
/* Removes the socket file (before the exit file is written: a restarted container makes a new one). */
void attach_remove_socket (struct attach *a);
/* Removes the socket file if still there and disconnects every client (they see EOF). */
void attach_close (struct attach *a);

#endif
