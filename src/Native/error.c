#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "plan.h"

int
md_fail (struct md_error *err, int errnum, const char *step, const char *arg)
{
  err->index = -1;
  err->errnum = errnum;
  snprintf (err->step, sizeof err->step, "%s", step);
  snprintf (err->arg, sizeof err->arg, "%s", arg ? arg : "");
  return -1;
}

int
md_fail_directive (struct md_error *err, const struct directive *d, int errnum, const char *arg)
{
  md_fail (err, errnum, d->name, arg);
  err->index = d->index;
  return -1;
}

size_t
md_error_format (const struct md_error *err, char *buf, size_t size)
{
  int n = snprintf (buf, size, "error %d %s %d %s\n", err->index, err->step, err->errnum, err->arg);
  if (n < 0)
    return 0;
  if ((size_t) n >= size)
    {
      buf[size - 2] = '\n';
      return size - 1;
    }
  return (size_t) n;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
md_write_file (const struct directive *d, const char *path, const char *text, struct md_error *err)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return md_fail_directive (err, d, errno, path);
  if (write_all (fd, text, strlen (text)) < 0)
    {
      int saved = errno;
      close (fd);
      return md_fail_directive (err, d, saved, path);
    }
  close (fd);
  return 0;
}

int
md_error_send (int fd, const struct md_error *err)
{
  return write_all (fd, err, sizeof *err);
}

int
md_error_recv (int fd, struct md_error *err)
{
  size_t got = 0;
  while (got < sizeof *err)
    {
      ssize_t n = read (fd, (char *) err + got, sizeof *err - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      got += (size_t) n;
    }
  if (got == 0)
    return 0;
  if (got != sizeof *err)
    {
      errno = EPROTO;
      return -1;
    }
  err->step[sizeof err->step - 1] = '\0';
  err->arg[sizeof err->arg - 1] = '\0';
  return 1;
}

void
md_error_report (int fd, const struct md_error *err)
{
  char line[sizeof err->arg + 64];
  size_t len = md_error_format (err, line, sizeof line);
  write_all (fd, line, len);
}
