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

/* Written to a temp file and renamed, so a reader never sees half a status; not fsync'd (issue 15). Without a
   crash the page cache is what every reader sees. After a host crash, every container that was running is
   Dead anyway, and an exit recorded in the last seconds before it may be missing (reported Dead: "gone without
   recording an exit status") or empty (exit code -1): the status of a run the crash ended anyway is not worth
   two journal commits on every exit (four with the copy beside the record), which also queue behind every
   other writer of that filesystem. The run dir's copy is on tmpfs in a normal /run, where fsync does nothing. */
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
  if (write_all (fd, line, (size_t) len) < 0)
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
  return 0;
}
