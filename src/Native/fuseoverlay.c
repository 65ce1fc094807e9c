#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuseoverlay.h"

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#define FUSE_SUPER_MAGIC_ 0x65735546
#define MOUNT_WAIT_MS 30000   /* fuse-overlayfs mounts in milliseconds; it reads its layers lazily */

static void
child_fail (int error_fd, const struct directive *d, int errnum, const char *what)
{
  struct md_error err;
  memset (&err, 0, sizeof err);
  md_fail_directive (&err, d, errnum, what);
  md_error_send (error_fd, &err);
  _exit (127);
}

/* The daemon's process up to its execve; any failure goes to ERROR_FD (close-on-exec: EOF once fuse-overlayfs runs). */
static void
daemon_child (const struct plan *plan, pid_t init, pid_t monitor, int error_fd)
{
  const struct directive *d = plan->fuseoverlay;
  const char *tool = d->args[0], *dir = d->args[1], *mountpoint = d->args[2];
  char path[64], target[32];
  char *argv[] = { (char *) tool, "-f", "-o", d->args[3], target, NULL };
  char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
  sigset_t none;
  int log, null, userns, mntns, tfd, tree;

  /* Nothing of the monitor's (log, attach socket, pipes) may reach the daemon. */
  syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  sigemptyset (&none);
  if (sigprocmask (SIG_SETMASK, &none, NULL) < 0 || signal (SIGPIPE, SIG_DFL) == SIG_ERR || signal (SIGHUP, SIG_DFL) == SIG_ERR)
    child_fail (error_fd, d, errno, "signals");
  /* Its messages go to LOG, which the engine quotes when the mount failed; a host path, opened before setns. */
  log = open (d->args[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (log < 0 || null < 0)
    child_fail (error_fd, d, errno, d->args[4]);

  snprintf (path, sizeof path, "/proc/%d/ns/user", (int) init);
  if ((userns = open (path, O_RDONLY | O_CLOEXEC)) < 0 || setns (userns, CLONE_NEWUSER) < 0)
    child_fail (error_fd, d, errno, path);
  snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int) init);
  if ((mntns = open (path, O_RDONLY | O_CLOEXEC)) < 0 || setns (mntns, CLONE_NEWNS) < 0)
    child_fail (error_fd, d, errno, path);
  /* As the init: the caller's supplementary groups mean nothing in the namespace (denied with a single mapping). */
  if (plan->userns->args[3][0] != '\0' && setgroups (0, NULL) < 0)
    child_fail (error_fd, d, errno, "setgroups");

  /* The mount point in the init's mount namespace, handed to fuse-overlayfs as /proc/self/fd/N (kept across exec). */
  if (chdir (dir) < 0)
    child_fail (error_fd, d, errno, dir);
  if ((tfd = open (mountpoint, O_PATH | O_DIRECTORY | O_NOFOLLOW)) < 0)
    child_fail (error_fd, d, errno, mountpoint);
  snprintf (target, sizeof target, "/proc/self/fd/%d", tfd);
  /* The init's pivot_root moves every process whose root is the old root onto the new one: the daemon would then
     resolve its own paths (its layers, /proc/self/fd) through the mount it serves. Its root is a detached copy of
     the tree instead, which no pivot touches and which goes when the daemon does. */
  tree = (int) syscall (SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE);
  if (tree < 0 || fchdir (tree) < 0 || chroot (".") < 0 || chdir (dir) < 0)
    child_fail (error_fd, d, errno, "open_tree");

  if (dup2 (null, 0) < 0 || dup2 (log, 1) < 0 || dup2 (log, 2) < 0)
    child_fail (error_fd, d, errno, "stdio");
  /* It never needs to gain privileges; and it dies with the monitor (kill -9 included), never outliving the container. */
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    child_fail (error_fd, d, errno, "prctl");
  if (getppid () != monitor)
    _exit (1);
  execve (tool, argv, envp);
  child_fail (error_fd, d, errno, tool);
}

static long
elapsed_ms (const struct timespec *since)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Until the init's mount namespace has the FUSE mount at DIR/TARGET: seen through /proc/INIT/root (the init is not
   released yet, so still ours to look into), woken by the namespace's mount events. The daemon exiting first is the
   error; its reason is in the log. */
static int
wait_for_mount (const struct directive *d, pid_t init, struct pasta *p, struct md_error *err)
{
  char path[PATH_MAX + 64], events[64];
  struct timespec start;
  struct statfs st;
  int status, mounts;

  snprintf (path, sizeof path, "/proc/%d/root%s/%s", (int) init, d->args[1], d->args[2]);
  snprintf (events, sizeof events, "/proc/%d/mountinfo", (int) init);
  mounts = open (events, O_RDONLY | O_CLOEXEC);
  clock_gettime (CLOCK_MONOTONIC, &start);
  for (;;)
    {
      struct pollfd pfd = { .fd = mounts, .events = POLLPRI };
      if (statfs (path, &st) == 0 && st.f_type == FUSE_SUPER_MAGIC_)
        break;
      if (waitpid (p->pid, &status, WNOHANG) == p->pid)
        {
          p->pid = -1;
          if (p->pidfd >= 0)
            close (p->pidfd);
          p->pidfd = -1;
          if (mounts >= 0)
            close (mounts);
          return md_fail_directive (err, d, EIO, d->args[0]);
        }
      if (elapsed_ms (&start) > MOUNT_WAIT_MS)
        {
          if (mounts >= 0)
            close (mounts);
          return md_fail_directive (err, d, ETIMEDOUT, d->args[0]);
        }
      poll (&pfd, 1, 5);
    }
  if (mounts >= 0)
    close (mounts);
  return 0;
}

int
fuseoverlay_start (const struct plan *plan, pid_t init, struct pasta *p, struct md_error *err)
{
  const struct directive *d = plan->fuseoverlay;
  pid_t monitor = getpid ();
  int error_p[2], rc;

  p->pid = -1;
  p->pidfd = -1;
  if (d == NULL)
    return 0;
  if (pipe2 (error_p, O_CLOEXEC) < 0)
    return md_fail_directive (err, d, errno, "pipe");
  p->pid = fork ();
  if (p->pid < 0)
    return md_fail_directive (err, d, errno, "fork");
  if (p->pid == 0)
    {
      close (error_p[0]);
      daemon_child (plan, init, monitor, error_p[1]);
    }
  close (error_p[1]);
  /* The daemon is our child: its pid stays ours until reaped, and the pidfd keeps pasta_stop exact after that. */
  p->pidfd = (int) syscall (SYS_pidfd_open, p->pid, 0);
  rc = md_error_recv (error_p[0], err);
  close (error_p[0]);
  if (rc < 0)
    return md_fail_directive (err, d, errno, "error pipe");
  if (rc > 0)
    return -1;
  return wait_for_mount (d, init, p, err);
}
