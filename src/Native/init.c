#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"
#include "pid1.h"
#include "rootfs.h"

extern char **environ;

void
init_reset_signals (void)
{
  sigset_t none;
  int sig;
  for (sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
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

static int
close_range_fallback (unsigned int first, unsigned int last)
{
  long max = sysconf (_SC_OPEN_MAX);
  unsigned int fd;
  if (max < 0 || max > 65536)
    max = 65536;
  for (fd = first; fd <= last && fd < (unsigned int) max; fd++)
    close ((int) fd);
  return 0;
}

/* Only 0-2 reach the command; keep_fd (the CLOEXEC error pipe) closes itself at exec. */
static int
close_other_fds (int keep_fd, struct md_error *err)
{
  unsigned int keep = (unsigned int) keep_fd;
  if (keep > 3 && close_range (3, keep - 1, 0) < 0 && errno == ENOSYS)
    close_range_fallback (3, keep - 1);
  if (close_range (keep + 1, ~0U, 0) < 0)
    {
      if (errno != ENOSYS)
        return md_fail (err, errno, "close_range", "3");
      close_range_fallback (keep + 1, ~0U);
    }
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

static int
init_setup (const struct init_args *a, struct md_error *err)
{
  const struct plan *plan = a->plan;
  size_t i;

  init_reset_signals ();
  if (setup_stdio (a, err) < 0 || wait_for_release (a->sync_fd, err) < 0)
    return -1;
  /* Now inside our cgroups: make them the root of our cgroup namespace. */
  if (unshare (CLONE_NEWCGROUP) < 0)
    return md_fail (err, errno, "cgroupns", "unshare");
  if (rootfs_make_private (err) < 0)
    return -1;
  umask (0);
  for (i = 0; i < plan->ndirs; i++)
    if (directive_is_filesystem (&plan->dirs[i]) && rootfs_apply (&plan->dirs[i], err) < 0)
      return -1;
  umask (a->umask);
  if (set_hostname (plan, err) < 0)
    return -1;
  if (plan->cwd && plan->cwd->args[0][0] != '\0' && chdir (plan->cwd->args[0]) < 0)
    return md_fail_directive (err, plan->cwd, errno, plan->cwd->args[0]);
  return close_other_fds (a->error_fd, err);
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
