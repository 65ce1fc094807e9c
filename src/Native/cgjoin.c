/* Writing another process's pid to cgroup.procs (or a pid of ours: "threadgroup" migration) takes the
   kernel's cgroup_threadgroup_rwsem for writing, and that waits for an RCU grace period: 10-20 ms per
   start on a busy machine, more than the rest of the start. A single-threaded process that moves
   itself, writing "0" into v1's per-thread `tasks` file, skips that lock (Linux >= 6.0, "cgroup:
   Optimize single thread migration"; older kernels take the slow path, same result). It moves the
   whole process, since it has one thread, and its children inherit the cgroup as before. v2 has no
   `tasks` file and a domain cgroup's cgroup.threads does not take a process from another domain:
   there the caller keeps writing the pid to cgroup.procs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgjoin.h"

static const char procs_name[] = "/cgroup.procs";

/* DIR/tasks for DIR/cgroup.procs; -1 for any other name or a path too long. */
static int
tasks_path (const char *procs, char *out, size_t size)
{
  size_t len = strlen (procs), tail = sizeof procs_name - 1;
  if (len <= tail || strcmp (procs + len - tail, procs_name) != 0)
    return -1;
  if (snprintf (out, size, "%.*s/tasks", (int) (len - tail), procs) >= (int) size)
    return -1;
  return 0;
}

bool
cgroup_can_join_self (const struct plan *plan)
{
  char path[PATH_MAX];
  size_t i;
  if (plan->ncgroups == 0)
    return false;
  for (i = 0; i < plan->ncgroups; i++)
    if (tasks_path (plan->cgroups[i]->args[0], path, sizeof path) < 0 || access (path, W_OK) < 0)
      return false;
  return true;
}

int
cgroup_join_self (const struct plan *plan, struct md_error *err)
{
  char path[PATH_MAX];
  size_t i;
  for (i = 0; i < plan->ncgroups; i++)
    {
      const struct directive *d = plan->cgroups[i];
      int fd;
      if (tasks_path (d->args[0], path, sizeof path) < 0)
        return md_fail_directive (err, d, EINVAL, d->args[0]);
      fd = open (path, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return md_fail_directive (err, d, errno, path);
      if (write_all (fd, "0", 1) < 0)
        {
          int saved = errno;
          close (fd);
          return md_fail_directive (err, d, saved, path);
        }
      close (fd);
    }
  return 0;
}
