#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "status.h"

int
status_exit_code (int wait_status)
{
  if (WIFEXITED (wait_status))
    return WEXITSTATUS (wait_status);
  if (WIFSIGNALED (wait_status))
    return 128 + WTERMSIG (wait_status);
  return 255;
}

/* The rename is durable only once the directory is. */
static int
fsync_parent_dir (const char *path)
{
  char dir[PATH_MAX];
  char *slash;
  int fd, rc;
  snprintf (dir, sizeof dir, "%s", path);
  slash = strrchr (dir, '/');
  if (slash == NULL)
    return 0;
  if (slash == dir)
    slash[1] = '\0';
  else
    *slash = '\0';
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  rc = fsync (fd);
  close (fd);
  return rc;
}

int
status_write_exit_file (const char *path, int code, unsigned long dropped, struct md_error *err)
{
  char tmp[PATH_MAX], line[48];
  int fd, len;

  if (snprintf (tmp, sizeof tmp, "%s.tmp.%d", path, (int) getpid ()) >= (int) sizeof tmp)
    return md_fail (err, ENAMETOOLONG, "exitfile", path);
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return md_fail (err, errno, "exitfile", tmp);
  len = dropped > 0 ? snprintf (line, sizeof line, "%d\ndropped %lu\n", code, dropped) : snprintf (line, sizeof line, "%d\n", code);
  if (write_all (fd, line, (size_t) len) < 0 || fsync (fd) < 0)
    {
      int saved = errno;
      close (fd);
      unlink (tmp);
      return md_fail (err, saved, "exitfile", tmp);
    }
  close (fd);
  if (rename (tmp, path) < 0)
    {
      int saved = errno;
      unlink (tmp);
      return md_fail (err, saved, "exitfile", path);
    }
  if (fsync_parent_dir (path) < 0)
    return md_fail (err, errno, "exitfile", path);
  return 0;
}
