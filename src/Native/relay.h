/* Log relay: container output to "<RFC3339 nanos>Z <stream> <line>" log lines. */
#ifndef MD_RELAY_H
#define MD_RELAY_H

#include <stddef.h>

#define RELAY_LINE_MAX 16384   /* longer lines are split */

struct relay_stream
{
  int fd;            /* non-blocking read end; -1 once at EOF */
  const char *tag;   /* "stdout" / "stderr" */
  char *buf;
  size_t len;
};

/* The log file; with MAX > 0 it is rotated to PATH.1 once it reaches MAX bytes (`logmax`). */
struct relay_log
{
  int fd;            /* -1: no log, output is dropped */
  const char *path;
  unsigned long max;
  unsigned long size;
  unsigned long dropped; /* bytes a failed write (disk full) lost; reported in the exit file */
};

int relay_log_open (struct relay_log *log, const char *path, unsigned long max);
void relay_log_rotate (struct relay_log *log);

int relay_init (struct relay_stream *s, int fd, const char *tag);
/* Reads what is available and logs complete lines. 1: read data, 0: EOF, -1: would block. */
int relay_pump (struct relay_stream *s, struct relay_log *log);
/* Logs BUF as if it had been read from the stream (a pty relay that already read it). */
void relay_feed (struct relay_stream *s, struct relay_log *log, const char *buf, size_t len);
/* Reads until EOF or would-block, then logs the unterminated tail. */
void relay_drain (struct relay_stream *s, struct relay_log *log);
void relay_close (struct relay_stream *s, struct relay_log *log);

#endif
