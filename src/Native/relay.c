#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "relay.h"

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm); avoids gmtime's tz machinery. */
static void
civil_from_days (long z, int *y, unsigned *m, unsigned *d)
{
  long era, yy;
  unsigned doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (unsigned) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  yy = (long) yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int) (yy + (*m <= 2));
}

static void
put_digits (char *p, unsigned long v, int width)
{
  while (width-- > 0)
    {
      p[width] = (char) ('0' + v % 10);
      v /= 10;
    }
}

/* "2026-11-29T15:47:34.123456789Z " : 31 bytes */
static size_t
format_timestamp (char *buf)
{
  struct timespec ts;
  long days, secs;
  int y;
  unsigned mo, d;

  clock_gettime (CLOCK_REALTIME, &ts);
  days = ts.tv_sec / 86400;
  secs = ts.tv_sec % 86400;
  civil_from_days (days, &y, &mo, &d);
  memcpy (buf, "0000-00-00T00:00:00.000000000Z ", 31);
  put_digits (buf, (unsigned long) y, 4);
  put_digits (buf + 5, mo, 2);
  put_digits (buf + 8, d, 2);
  put_digits (buf + 11, (unsigned long) (secs / 3600), 2);
  put_digits (buf + 14, (unsigned long) (secs / 60 % 60), 2);
  put_digits (buf + 17, (unsigned long) (secs % 60), 2);
  put_digits (buf + 20, (unsigned long) ts.tv_nsec, 9);
  return 31;
}

static void
log_line (const struct relay_stream *s, struct relay_log *log, const char *line, size_t len)
{
  char stamp[32];
  struct iovec iov[5];
  ssize_t written;
  size_t total;
  int n = 0;

  if (log->fd < 0)
    return;
  iov[n].iov_base = stamp;
  iov[n++].iov_len = format_timestamp (stamp);
  iov[n].iov_base = (void *) s->tag;
  iov[n++].iov_len = strlen (s->tag);
  iov[n].iov_base = (void *) " ";
  iov[n++].iov_len = 1;
  iov[n].iov_base = (void *) line;
  iov[n++].iov_len = len;
  iov[n].iov_base = (void *) "\n";
  iov[n++].iov_len = 1;
  /* O_APPEND file: one writev keeps the line whole; a short write (disk full) drops the rest. */
  while ((written = writev (log->fd, iov, n)) < 0 && errno == EINTR)
    ;
  if (written > 0)
    log->size += (unsigned long) written;
  total = iov[0].iov_len + iov[1].iov_len + 1 + len + 1;
  if (written < 0 || (size_t) written < total)
    log->dropped += total - (size_t) (written > 0 ? written : 0);
  if (log->max > 0 && log->size >= log->max)
    relay_log_rotate (log);
}

/* The marker line a rotated log starts with: "<timestamp>rotated <bytes>", the bytes the log's earlier
   files held, so a reader that finds its next file gone can tell how much it missed. */
#define ROTATED_TAG "rotated "

static unsigned long long
read_base (int fd)
{
  char head[96];
  ssize_t n = pread (fd, head, sizeof head - 1, 0);
  if (n < 31 + (ssize_t) strlen (ROTATED_TAG) || memcmp (head + 31, ROTATED_TAG, strlen (ROTATED_TAG)) != 0)
    return 0;
  head[n] = '\0';
  return strtoull (head + 31 + strlen (ROTATED_TAG), NULL, 10);
}

int
relay_log_open (struct relay_log *log, const char *path, unsigned long max)
{
  struct stat st;
  log->path = path;
  log->max = max;
  log->fd = open (path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log->fd < 0)
    return -1;
  /* A log an older version made 0640 is narrowed too: it holds what the container printed. */
  if (fchmod (log->fd, 0600) < 0)
    {
      int saved = errno;
      close (log->fd);
      log->fd = -1;
      errno = saved;
      return -1;
    }
  log->size = fstat (log->fd, &st) == 0 ? (unsigned long) st.st_size : 0;
  log->base = read_base (log->fd);
  if (log->max > 0 && log->size >= log->max)
    relay_log_rotate (log);
  return 0;
}

/* PATH becomes PATH.1 (replacing the older one) and a new PATH, born with its marker line, takes its
   place; the fd number stays. */
void
relay_log_rotate (struct relay_log *log)
{
  char old[PATH_MAX], fresh[PATH_MAX], marker[96];
  unsigned long long base = log->base + log->size;
  size_t len;
  int fd;
  if (snprintf (old, sizeof old, "%s.1", log->path) >= (int) sizeof old
      || snprintf (fresh, sizeof fresh, "%s.new", log->path) >= (int) sizeof fresh)
    return;
  fd = open (fresh, O_RDWR | O_APPEND | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  len = format_timestamp (marker);
  len += (size_t) snprintf (marker + len, sizeof marker - len, ROTATED_TAG "%llu\n", base);
  if (write_all (fd, marker, len) < 0 || rename (log->path, old) < 0)
    {
      close (fd);
      unlink (fresh);
      return;
    }
  if (rename (fresh, log->path) < 0)
    {
      /* PATH is gone now; keep writing to the file we have rather than to one nobody reads. */
      close (fd);
      unlink (fresh);
      return;
    }
  dup3 (fd, log->fd, O_CLOEXEC);
  close (fd);
  log->base = base;
  log->size = len;
}

int
relay_init (struct relay_stream *s, int fd, const char *tag)
{
  s->fd = fd;
  s->tag = tag;
  s->len = 0;
  s->buf = malloc (RELAY_LINE_MAX);
  return s->buf ? 0 : -1;
}

static void
emit_complete_lines (struct relay_stream *s, struct relay_log *log)
{
  size_t start = 0;
  char *nl;
  while ((nl = memchr (s->buf + start, '\n', s->len - start)) != NULL)
    {
      log_line (s, log, s->buf + start, (size_t) (nl - (s->buf + start)));
      start = (size_t) (nl - s->buf) + 1;
    }
  if (start == 0 && s->len == RELAY_LINE_MAX)
    {
      log_line (s, log, s->buf, s->len);
      start = s->len;
    }
  memmove (s->buf, s->buf + start, s->len - start);
  s->len -= start;
}

void
relay_write (struct relay_stream *s, struct relay_log *log, const char *buf, size_t len)
{
  while (len > 0)
    {
      size_t take = len < RELAY_LINE_MAX - s->len ? len : RELAY_LINE_MAX - s->len;
      memcpy (s->buf + s->len, buf, take);
      s->len += take;
      buf += take;
      len -= take;
      emit_complete_lines (s, log);
    }
}

void
relay_feed (struct relay_stream *s, struct relay_log *log, const char *buf, size_t len)
{
  size_t i;
  /* A pty ends lines with \r\n: the log keeps plain lines. */
  for (i = 0; i < len; i++)
    if (buf[i] != '\r')
      {
        s->buf[s->len++] = buf[i];
        if (buf[i] == '\n' || s->len == RELAY_LINE_MAX)
          emit_complete_lines (s, log);
      }
}

void
relay_close (struct relay_stream *s, struct relay_log *log)
{
  if (s->len > 0)
    log_line (s, log, s->buf, s->len);
  s->len = 0;
  if (s->fd >= 0)
    close (s->fd);
  s->fd = -1;
  free (s->buf);
  s->buf = NULL;
}
