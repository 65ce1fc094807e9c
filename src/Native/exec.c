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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgjoin.h"
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

/* Rootless: the container's namespaces belong to its user namespace, so it is joined first (as its
   owner we get its capabilities, which the other setns calls need). The fd is the target's when the
   recorded start time still holds after it was opened. Nothing to do when it is ours (root mode). */
static int
join_userns (const struct plan *plan, struct md_error *err)
{
  char path[64];
  struct stat mine, theirs;
  int fd, rc = 0;
  snprintf (path, sizeof path, "/proc/%d/ns/user", (int) plan->target->num[0]);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return md_fail (err, errno, "setns", path);
  if (fstat (fd, &theirs) < 0 || stat ("/proc/self/ns/user", &mine) < 0)
    rc = md_fail (err, errno, "setns", path);
  else if (target_is_alive (plan, err) < 0)
    rc = -1;
  else if ((mine.st_ino != theirs.st_ino || mine.st_dev != theirs.st_dev) && setns (fd, CLONE_NEWUSER) < 0)
    rc = md_fail (err, errno, "setns", "user");
  close (fd);
  return rc;
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

/* One exec: the command's process and what the helper holds while it runs. */
struct exec_session
{
  const struct plan *plan;
  int errorfile_fd;          /* where a failure before the command's execve is reported */
  int sig_fd;
  struct target target;
  struct terminal tty;
  pid_t child;
};

/* Host side, before any namespace changes: the errorfile, no dumping, the signals as a signalfd. The
   errorfile cannot hold a failure to open it: that one goes to stderr (exit EXEC_FAILED either way). */
static int
exec_setup (struct exec_session *s, const struct plan *plan, struct md_error *err)
{
  sigset_t sigs;

  s->plan = plan;
  s->sig_fd = -1;
  s->child = -1;
  s->errorfile_fd = open (plan->errorfile->args[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (s->errorfile_fd < 0)
    return md_fail_directive (err, plan->errorfile, errno, plan->errorfile->args[0]);
  /* Nothing in the container may ptrace or read this process before the command's execve. */
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return md_fail (err, errno, "prctl", "PR_SET_DUMPABLE");
  sigemptyset (&sigs);
  sigaddset (&sigs, SIGCHLD);
  sigaddset (&sigs, SIGINT);
  sigaddset (&sigs, SIGTERM);
  sigaddset (&sigs, SIGHUP);
  sigaddset (&sigs, SIGQUIT);
  if (plan->tty)
    sigaddset (&sigs, SIGWINCH);
  /* The terminal relay polls it; wait_plain blocks on it. */
  if (sigprocmask (SIG_BLOCK, &sigs, NULL) < 0
      || (s->sig_fd = signalfd (-1, &sigs, SFD_CLOEXEC | (plan->tty ? SFD_NONBLOCK : 0))) < 0)
    return md_fail (err, errno, "signalfd", "SIGCHLD");
  return 0;
}

/* Joins the target's cgroups and namespaces, forks the command into them and waits until it has
   exec'd (or failed before, then reaped). */
static int
exec_launch (struct exec_session *s, struct md_error *err)
{
  const struct plan *plan = s->plan;
  int error_p[2], rc;

  /* Into the cgroups first (host paths, and a process cannot leave the cgroup namespace it joins). */
  if (seccomp_prepare (plan, err) < 0 || target_open (plan, &s->target, err) < 0
      || (cgroup_can_join_self (plan) ? cgroup_join_self (plan, err) : monitor_join_cgroups (plan, getpid (), err)) < 0
      || join_userns (plan, err) < 0
      || target_join (plan, &s->target, err) < 0 || (plan->tty && terminal_open (&s->tty, err) < 0))
    return -1;
  if (pipe2 (error_p, O_CLOEXEC) < 0)
    return md_fail (err, errno, "pipe", "error");
  s->child = fork ();
  if (s->child < 0)
    return md_fail (err, errno, "fork", plan->argv[0]);
  if (s->child == 0)
    {
      close (error_p[0]);
      close (s->errorfile_fd);
      close (s->sig_fd);
      child_main (plan, plan->tty ? &s->tty : NULL, error_p[1]);
    }
  close (error_p[1]);
  rc = md_error_recv (error_p[0], err);
  close (error_p[0]);
  if (rc == 0)
    return 0;
  if (rc < 0)
    md_fail (err, errno, "sync", "error pipe");
  while (waitpid (s->child, NULL, 0) < 0 && errno == EINTR)
    ;
  return -1;
}

/* Relays the terminal (`tty`) or forwards the caller's signals until the command exits; its wait status. */
static int
exec_supervise (struct exec_session *s)
{
  int status;
  if (!s->plan->tty)
    return wait_plain (s->child, s->sig_fd);
  terminal_take_caller (&s->tty);
  status = terminal_relay (&s->tty, s->child, s->sig_fd);
  terminal_restore_caller (&s->tty);
  return status;
}

int
exec_run (const struct plan *plan)
{
  struct exec_session s;
  struct md_error err;

  memset (&s, 0, sizeof s);
  memset (&err, 0, sizeof err);
  if (exec_setup (&s, plan, &err) < 0 || exec_launch (&s, &err) < 0)
    {
      /* Without the errorfile (it could not be made), stderr says why. */
      md_error_report (s.errorfile_fd >= 0 ? s.errorfile_fd : 2, &err);
      return EXEC_FAILED;
    }
  return status_exit_code (exec_supervise (&s));
}
