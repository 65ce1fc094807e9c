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

int relay_init (struct relay_stream *s, int fd, const char *tag);
/* Reads what is available and logs complete lines. 1: read data, 0: EOF, -1: would block. */
int relay_pump (struct relay_stream *s, int log_fd);
/* Reads until EOF or would-block, then logs the unterminated tail. */
void relay_drain (struct relay_stream *s, int log_fd);
void relay_close (struct relay_stream *s, int log_fd);

#endif
