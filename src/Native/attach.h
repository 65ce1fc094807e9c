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
#define ATTACH_HOLD_MAX 65536   /* `attachhold`: what is kept for the first client before it connects */

enum { ATTACH_STDOUT = 1, ATTACH_STDERR = 2 };

struct attach
{
  int listen_fd;                      /* -1: no attach socket */
  const char *path;
  int clients[ATTACH_MAX_CLIENTS];    /* -1: free slot */
  bool blocked[ATTACH_MAX_CLIENTS];   /* the current message is still to be sent to it */
  bool holding;                       /* `attachhold`: no client yet; what is read is kept in held */
  long long hold_until_ms;            /* CLOCK_MONOTONIC */
  char *held;                         /* messages for the first client, each [2-byte length][stream][data] */
  size_t held_len, held_sent;         /* held_sent < held_len: being sent to the first client */
  size_t len;                         /* bytes in msg: the stream byte and the data */
  char *msg;                          /* 1 + ATTACH_CHUNK bytes, in .bss: untouched until output flows */
};

/* No socket: attach_* calls are no-ops. */
void attach_none (struct attach *a);
/* Creates the listening socket at PATH (0600; a stale one is replaced); with HOLD_MS > 0 what the
   container writes before the first client connects is kept for it (up to ATTACH_HOLD_MAX, then the
   container waits), for HOLD_MS at most. -1 with errno on failure. */
int attach_open (struct attach *a, char *path, unsigned long hold_ms);
/* How many bytes may be read from the container now (0: none, a client has not taken what it has). */
size_t attach_room (struct attach *a);
/* The poll timeout while holding (ms), else -1; ends the hold once its time has passed. */
int attach_poll_timeout (struct attach *a);
/* Adds the pollfds the socket needs (the listener, blocked clients); returns how many. */
int attach_pollfds (const struct attach *a, struct pollfd *pfd);
/* Handles their events: accepts clients, sends the pending message to clients that can take it now. */
void attach_handle (struct attach *a, const struct pollfd *pfd, int n);
/* Sends LEN bytes of STREAM (already in msg + 1) to every client, or keeps them for the first one. */
void attach_send (struct attach *a, int stream, size_t len);
/* Removes the socket file (before the exit file is written: a restarted container makes a new one). */
void attach_remove_socket (struct attach *a);
/* Removes the socket file if still there and disconnects every client (they see EOF). */
void attach_close (struct attach *a);

#endif
