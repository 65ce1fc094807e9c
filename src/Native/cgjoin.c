/* Writing another process's pid to cgroup.procs (or a pid of ours: "threadgroup" migration) takes the
   kernel's cgroup_threadgroup_rwsem for writing, and that waits for an RCU grace period: 10-20 ms per
   start on a busy machine, more than the rest of the start. A single-threaded process that moves
   itself, writing "0" into v1's per-thread `tasks` file, skips that lock (Linux >= 6.0, "cgroup:
   Optimize single thread migration"; older kernels take the slow path, same result). It moves the
   whole process, since it has one thread, and its children inherit the cgroup as before. v2 has no
   `tasks` file and a domain cgroup's cgroup.threads does not take a process from another domain:
   there the monitor clones the init straight into its cgroup (clone3's CLONE_INTO_CGROUP, Linux >= 5.7),
   which takes the same lock only for reading. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
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
      if (tasks_path (d->args[0], path, sizeof path) < 0)
        return md_fail_directive (err, d, EINVAL, d->args[0]);
      if (md_write_file (d, path, "0", err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_open_v2_dir (const struct plan *plan)
{
  char path[PATH_MAX];
  const char *procs;
  size_t len, tail = sizeof procs_name - 1;
  if (plan->ncgroups != 1)
    return -1;
  procs = plan->cgroups[0]->args[0];
  len = strlen (procs);
  if (tasks_path (procs, path, sizeof path) < 0 || access (path, F_OK) == 0)
    return -1;
  snprintf (path, sizeof path, "%.*s", (int) (len - tail), procs);
  return open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* struct clone_args of <linux/sched.h> up to `cgroup` (CLONE_ARGS_SIZE_VER2), spelled out: older headers lack it. */
struct md_clone_args
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

pid_t
cgroup_clone_into (unsigned long namespaces, int cgroup_fd, int (*fn) (void *), void *arg)
{
#ifdef SYS_clone3
  struct md_clone_args args;
  long pid;
  memset (&args, 0, sizeof args);
  args.flags = (uint64_t) namespaces | CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = (uint64_t) cgroup_fd;
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    _exit (fn (arg));
  return (pid_t) pid;
#else
  (void) namespaces, (void) cgroup_fd, (void) fn, (void) arg;
  errno = ENOSYS;
  return -1;
#endif
}
