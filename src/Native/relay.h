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

/* The log file; with MAX > 0 it is rotated to PATH.1 once it reaches MAX bytes (`logmax`), and the new
   file starts with "<timestamp>rotated <base>". */
struct relay_log
{
  int fd;            /* -1: no log, output is dropped */
  const char *path;
  unsigned long max;
  unsigned long size;
  unsigned long dropped; /* bytes a failed write (disk full) lost; reported in the exit file */
  unsigned long long base;   /* bytes the log's earlier files held (the current file's marker line) */
};

int relay_log_open (struct relay_log *log, const char *path, unsigned long max);
void relay_log_rotate (struct relay_log *log);

int relay_init (struct relay_stream *s, int fd, const char *tag);
/* Logs LEN bytes the container wrote on this stream: complete lines now, the rest once its end comes. */
void relay_write (struct relay_stream *s, struct relay_log *log, const char *buf, size_t len);
/* Logs BUF as if it had been read from the stream (a pty relay that already read it). */
void relay_feed (struct relay_stream *s, struct relay_log *log, const char *buf, size_t len);
void relay_close (struct relay_stream *s, struct relay_log *log);

#endif
