#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgjoin.h"
#include "init.h"
#include "netdev.h"
#include "network.h"
#include "pid1.h"
#include "rootfs.h"
#include "security.h"
#include "terminal.h"

extern char **environ;

int
init_reset_signals (struct md_error *err)
{
  sigset_t none;
  int sig;
  /* SIG_ERR only for the signals that cannot be caught (KILL, STOP) and glibc's own (32, 33). */
  for (sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigemptyset (&none);
  if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
    return md_fail (err, errno, "signals", "sigprocmask");
  return 0;
}

static int
setup_stdio (const struct init_args *a, struct md_error *err)
{
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    return md_fail (err, errno, "stdio", "/dev/null");
  if (dup2 (null, 0) < 0 || dup2 (a->stdout_fd, 1) < 0 || dup2 (a->stderr_fd, 2) < 0)
    return md_fail (err, errno, "stdio", "dup2");
  close (null);
  return 0;
}

/* stdin becomes the container's own /dev/null once the plan has made it: a file of a host mount
   must not reach the container. Only a character device 1:3 is taken; without one, an empty pipe. */
static int
reopen_stdin (struct md_error *err)
{
  struct stat st;
  int p[2], fd = open ("/dev/null", O_RDWR | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0 && (fstat (fd, &st) < 0 || !S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3)))
    {
      close (fd);
      fd = -1;
    }
  if (fd < 0)
    {
      if (pipe2 (p, O_CLOEXEC) < 0)
        return md_fail (err, errno, "stdio", "stdin pipe");
      close (p[1]);
      fd = p[0];
    }
  if (dup2 (fd, 0) < 0)
    return md_fail (err, errno, "stdio", "dup2 stdin");
  close (fd);
  return 0;
}

static int
wait_for_release (int sync_fd, struct md_error *err)
{
  char byte;
  ssize_t n;
  do
    n = read (sync_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  close (sync_fd);
  if (n != 1)
    return md_fail (err, n < 0 ? errno : EPIPE, "sync", "monitor");
  return 0;
}

/* Rootless, once the monitor has written our id maps: not dumpable again (the monitor had to make us
   so for the maps), and none of the caller's supplementary groups, which the namespace cannot name.
   With a single mapping setgroups is denied and the groups stay (they show as nobody). */
static int
enter_userns (const struct plan *plan, struct md_error *err)
{
  if (plan->userns == NULL)
    return 0;
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return md_fail (err, errno, "prctl", "PR_SET_DUMPABLE");
  if (plan->userns->args[3][0] != '\0' && setgroups (0, NULL) < 0)
    return md_fail_directive (err, plan->userns, errno, "setgroups");
  return 0;
}

static int
set_hostname (const struct plan *plan, struct md_error *err)
{
  const struct directive *d = plan->hostname;
  if (d && sethostname (d->args[0], strlen (d->args[0])) < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  return 0;
}

/* `tty`: a pty of the container's own devpts (mounted by the plan) becomes our controlling terminal
   and fds 0-2; the master goes to the monitor, which relays it to the caller's terminal. */
static int
attach_terminal (const struct init_args *a, struct md_error *err)
{
  struct terminal t;
  if (terminal_open (&t, err) < 0)
    return -1;
  if (a->has_winsize && ioctl (t.master, TIOCSWINSZ, &a->winsize) < 0)
    return md_fail (err, errno, "tty", "TIOCSWINSZ");
  if (terminal_send_master (a->tty_fd, &t, err) < 0)
    return -1;
  close (a->tty_fd);
  return terminal_attach_child (&t, err);
}

/* A step of the plan, in plan order: the filesystem's (rootfs.c) or the network's inside the container. */
static int
apply_step (const struct plan *plan, const struct directive *d, struct md_error *err)
{
  switch (d->kind)
    {
    case D_LOOPBACK:
      return netdev_up (d, "lo", err);
    case D_IPADDR:
      return network_ipaddr (d, err);
    case D_ROUTE:
      return network_route (d, err);
    default:
      return rootfs_apply (plan, d, err);
    }
}

static int
init_setup (const struct init_args *a, struct md_error *err)
{
  const struct plan *plan = a->plan;
  size_t i;

  if (init_reset_signals (err) < 0 || setup_stdio (a, err) < 0 || wait_for_release (a->sync_fd, err) < 0
      || enter_userns (plan, err) < 0)
    return -1;
  /* Before any step of the plan: mknod and mounts already count against the devices and memory cgroups. */
  if (a->self_join && cgroup_join_self (plan, err) < 0)
    return -1;
  /* Now inside our cgroups: make them the root of our cgroup namespace. */
  if (unshare (CLONE_NEWCGROUP) < 0)
    return md_fail (err, errno, "cgroupns", "unshare");
  if (rootfs_make_private (err) < 0)
    return -1;
  umask (0);
  for (i = 0; i < plan->ndirs; i++)
    if (plan->dirs[i].init_step && apply_step (plan, &plan->dirs[i], err) < 0)
      return -1;
  umask (a->umask);
  if ((!plan->tty && reopen_stdin (err) < 0) || set_hostname (plan, err) < 0
      || (plan->tty && attach_terminal (a, err) < 0))
    return -1;
  return apply_process_security (plan, a->error_fd, err);
}

int
init_exec_command (const struct plan *plan, struct md_error *err)
{
  /* execvpe searches the PATH of environ, so the plan's env must be in place first. */
  environ = plan->env;
  execvpe (plan->argv[0], plan->argv, plan->env);
  return md_fail (err, errno, "exec", plan->argv[0]);
}

int
init_main (void *arg)
{
  const struct init_args *a = arg;
  struct md_error err;

  memset (&err, 0, sizeof err);
  if (init_setup (a, &err) < 0)
    {
      md_error_send (a->error_fd, &err);
      _exit (127);
    }
  if (a->plan->init)
    pid1_run (a->plan, a->error_fd);
  init_exec_command (a->plan, &err);
  md_error_send (a->error_fd, &err);
  _exit (127);
}
