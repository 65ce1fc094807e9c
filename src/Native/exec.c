#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "init.h"
#include "monitor.h"
#include "seccomp.h"
#include "security.h"
#include "status.h"
#include "terminal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#define JOINED_NAMESPACES (CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWNS)

/* Fallback order for kernels without setns(pidfd): the mount namespace last, since joining it
   changes what /proc paths mean (the fds are all opened before the first setns anyway). */
static const struct
{
  const char *name;
  int flag;
} namespaces[] = {
  { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },       { "net", CLONE_NEWNET },
  { "pid", CLONE_NEWPID }, { "cgroup", CLONE_NEWCGROUP }, { "mnt", CLONE_NEWNS },
};
#define NNAMESPACES (sizeof namespaces / sizeof namespaces[0])

struct target
{
  pid_t pid;
  int pidfd;                  /* -1 when the kernel has no pidfd_open */
  int nsfd[NNAMESPACES];      /* only without a pidfd */
};

/* Field 22 of /proc/PID/stat; 0 when PID is gone or a zombie (a zombie has no namespaces left). */
static unsigned long long
start_time (pid_t pid)
{
  char path[64], buf[1024], *p;
  unsigned long long ticks = 0;
  ssize_t n;
  int fd, field;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may contain spaces and ')': the fields resume after the last ')'. */
  p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
    return 0;
  for (field = 3, p++; field < 22 && p != NULL; field++)
    p = strchr (p + 1, ' ');
  if (p == NULL || sscanf (p + 1, "%llu", &ticks) != 1)
    return 0;
  return ticks;
}

static int
target_is_alive (const struct plan *plan, struct md_error *err)
{
  const struct directive *d = plan->target;
  if (start_time ((pid_t) d->num[0]) != d->num[1])
    return md_fail_directive (err, d, ESRCH, d->args[0]);
  return 0;
}

/* Pins the target (pidfd or namespace fds), then checks it is still the process the engine
   recorded: a recycled PID is never joined. */
static int
target_open (const struct plan *plan, struct target *t, struct md_error *err)
{
  const struct directive *d = plan->target;
  size_t i;

  t->pid = (pid_t) d->num[0];
  for (i = 0; i < NNAMESPACES; i++)
    t->nsfd[i] = -1;
  if (target_is_alive (plan, err) < 0)
    return -1;
  t->pidfd = (int) syscall (SYS_pidfd_open, t->pid, 0);
  if (t->pidfd < 0 && errno != ENOSYS)
    return md_fail_directive (err, d, errno, d->args[0]);
  if (t->pidfd < 0)
    for (i = 0; i < NNAMESPACES; i++)
      {
        char path[64];
        snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) t->pid, namespaces[i].name);
        t->nsfd[i] = open (path, O_RDONLY | O_CLOEXEC);
        if (t->nsfd[i] < 0)
          return md_fail_directive (err, d, errno, path);
      }
  return target_is_alive (plan, err);
}

static int
target_join (const struct plan *plan, struct target *t, struct md_error *err)
{
  size_t i;
  if (t->pidfd >= 0)
    {
      /* One call, all or nothing (Linux >= 5.8); EINVAL on older kernels that know pidfds. */
      if (setns (t->pidfd, JOINED_NAMESPACES) == 0)
        {
          close (t->pidfd);
          return 0;
        }
      if (errno != EINVAL)
        return md_fail (err, errno, "setns", "pidfd");
      for (i = 0; i < NNAMESPACES; i++)
        {
          char path[64];
          snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) t->pid, namespaces[i].name);
          if ((t->nsfd[i] = open (path, O_RDONLY | O_CLOEXEC)) < 0)
            return md_fail (err, errno, "setns", path);
        }
      /* The fds came by PID: they are the target's only if the pinned process still holds that
         PID (alive, so never recycled) and still has the recorded start time. */
      if (syscall (SYS_pidfd_send_signal, t->pidfd, 0, NULL, 0) < 0)
        return md_fail_directive (err, plan->target, errno, plan->target->args[0]);
      if (target_is_alive (plan, err) < 0)
        return -1;
      close (t->pidfd);
    }
  for (i = 0; i < NNAMESPACES; i++)
    {
      if (setns (t->nsfd[i], namespaces[i].flag) < 0)
        return md_fail (err, errno, "setns", namespaces[i].name);
      close (t->nsfd[i]);
    }
  return 0;
}

/* setns into the mount namespace made "/" the container's root; the cwd must end up inside it, so
   no host directory leaks in as the cwd (the CVE-2024-21626 class). */
static int
check_cwd_inside_root (struct md_error *err)
{
  char cwd[PATH_MAX];
  if (getcwd (cwd, sizeof cwd) == NULL || cwd[0] != '/')
    return md_fail (err, EACCES, "cwd", "outside the container's root");
  return 0;
}

/* The exec'd process, in the container's namespaces; never returns. */
static _Noreturn void
child_main (const struct plan *plan, const struct terminal *tty, int error_fd)
{
  struct md_error err;
  memset (&err, 0, sizeof err);
  if (init_reset_signals (&err) < 0)
    goto fail;
  /* If the helper dies (killed by the engine on Ctrl+C), so does the command. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0)
    {
      md_fail (&err, errno, "prctl", "PR_SET_PDEATHSIG");
      goto fail;
    }
  /* Its own session, so the helper can end it together with whatever it starts. */
  if (tty != NULL && terminal_attach_child (tty, &err) < 0)
    goto fail;
  if (tty == NULL && setsid () < 0)
    {
      md_fail (&err, errno, "setsid", plan->argv[0]);
      goto fail;
    }
  if (chdir ("/") < 0)
    {
      md_fail (&err, errno, "cwd", "/");
      goto fail;
    }
  /* The init's rlimits, user, no_new_privs, capabilities, cwd, fd closing and seccomp, in the
     same order as for the init (the plan carries the same security directives). */
  if (apply_process_security (plan, error_fd, &err) < 0 || check_cwd_inside_root (&err) < 0)
    goto fail;
  init_exec_command (plan, &err);
fail:
  md_error_send (error_fd, &err);
  _exit (127);
}

static int
wait_plain (pid_t child, int sig_fd)
{
  int status = 0;
  for (;;)
    {
      struct signalfd_siginfo si;
      if (read (sig_fd, &si, sizeof si) != sizeof si)
        continue;
      /* Ctrl+C in the caller ends the command and everything it started in its session. */
      if (si.ssi_signo != SIGCHLD)
        kill (-child, SIGKILL);
      if (waitpid (child, &status, WNOHANG) == child)
        return status;
    }
}

int
exec_run (const struct plan *plan)
{
  struct md_error err;
  struct target target;
  struct terminal tty;
  sigset_t sigs;
  int errorfile_fd, sig_fd, error_p[2], status, rc;
  pid_t child;

  memset (&err, 0, sizeof err);
  /* A host path: opened before the mount namespace changes. */
  errorfile_fd = open (plan->errorfile->args[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (errorfile_fd < 0)
    {
      md_fail_directive (&err, plan->errorfile, errno, plan->errorfile->args[0]);
      md_error_report (2, &err);
      return EXEC_FAILED;
    }
  /* Nothing in the container may ptrace or read this process before the command's execve. */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    {
      md_fail (&err, errno, "prctl", "PR_SET_DUMPABLE");
      goto fail;
    }
  sigemptyset (&sigs);
  sigaddset (&sigs, SIGCHLD);
  sigaddset (&sigs, SIGINT);
  sigaddset (&sigs, SIGTERM);
  sigaddset (&sigs, SIGHUP);
  sigaddset (&sigs, SIGQUIT);
  if (plan->tty)
    sigaddset (&sigs, SIGWINCH);
  /* The terminal relay polls it; wait_plain blocks on it. */
  if (sigprocmask (SIG_BLOCK, &sigs, NULL) < 0)
    sig_fd = -1;
  else
    sig_fd = signalfd (-1, &sigs, SFD_CLOEXEC | (plan->tty ? SFD_NONBLOCK : 0));

  if (sig_fd < 0)
    md_fail (&err, errno, "signalfd", "SIGCHLD");
  /* Into the cgroups first (host paths, and a process cannot leave the cgroup namespace it joins). */
  if (sig_fd < 0 || seccomp_prepare (plan, &err) < 0 || target_open (plan, &target, &err) < 0
      || monitor_join_cgroups (plan, getpid (), &err) < 0
      || target_join (plan, &target, &err) < 0 || (plan->tty && terminal_open (&tty, &err) < 0))
    goto fail;
  if (pipe2 (error_p, O_CLOEXEC) < 0)
    {
      md_fail (&err, errno, "pipe", "error");
      goto fail;
    }
  child = fork ();
  if (child < 0)
    {
      md_fail (&err, errno, "fork", plan->argv[0]);
      goto fail;
    }
  if (child == 0)
    {
      close (error_p[0]);
      close (errorfile_fd);
      close (sig_fd);
      child_main (plan, plan->tty ? &tty : NULL, error_p[1]);
    }
  close (error_p[1]);
  rc = md_error_recv (error_p[0], &err);
  close (error_p[0]);
  if (rc != 0)
    {
      if (rc < 0)
        md_fail (&err, errno, "sync", "error pipe");
      while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
        ;
      goto fail;
    }
  if (plan->tty)
    {
      terminal_take_caller (&tty);
      status = terminal_relay (&tty, child, sig_fd);
      terminal_restore_caller (&tty);
    }
  else
    status = wait_plain (child, sig_fd);
  return status_exit_code (status);

fail:
  md_error_report (errorfile_fd, &err);
  return EXEC_FAILED;
}
