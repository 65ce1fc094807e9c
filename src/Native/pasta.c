#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pasta.h"

#define MAX_PASTA_WORDS 200   /* -t/-u per published port: a few dozen at most */

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* pasta writes its daemon's pid (our view) before the parent exits; a short file, read once. */
static pid_t
read_pidfile (const char *path)
{
  char text[32];
  ssize_t n;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = read (fd, text, sizeof text - 1);
  close (fd);
  if (n <= 0)
    return -1;
  text[n] = '\0';
  return (pid_t) strtol (text, NULL, 10);
}

int
usermode_split_options (char *options, char **argv, int *argc, int max)
{
  char *save = NULL, *w;
  for (w = strtok_r (options, " ", &save); w != NULL; w = strtok_r (NULL, " ", &save))
    {
      if (*argc >= max)
        return errno = E2BIG, -1;
      argv[(*argc)++] = w;
    }
  return 0;
}

void
usermode_child_stdio (const char *pidfile)
{
  /* Not the engine's report pipe: its messages go to PIDFILE.log, which the engine quotes when it failed. */
  char log[4096 + 8];
  int null = open ("/dev/null", O_RDWR), out;
  sigset_t none;
  snprintf (log, sizeof log, "%s.log", pidfile);
  out = open (log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (null >= 0)
    {
      dup2 (null, 0);
      dup2 (out >= 0 ? out : null, 1);
      dup2 (out >= 0 ? out : null, 2);
    }
  /* The monitor's blocked SIGCHLD and ignored SIGPIPE/SIGHUP are not the tool's (pasta refuses to start with them). */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
}

int
pasta_start (const struct plan *plan, pid_t init, struct pasta *p, struct md_error *err)
{
  const struct directive *d = plan->pasta;
  const char *tool, *pidfile;
  char copy[4096], pidtext[16], *argv[MAX_PASTA_WORDS + 5];
  char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
  int argc = 0, status;
  pid_t child;

  p->pid = -1;
  p->pidfd = -1;
  if (d == NULL)
    return 0;
  tool = d->args[0];
  pidfile = d->args[1];
  if (strlen (d->args[2]) >= sizeof copy)
    return md_fail_directive (err, d, E2BIG, tool);
  strcpy (copy, d->args[2]);
  snprintf (pidtext, sizeof pidtext, "%d", (int) init);
  argv[argc++] = (char *) tool;
  if (usermode_split_options (copy, argv, &argc, MAX_PASTA_WORDS) < 0)
    return md_fail_directive (err, d, errno, tool);
  argv[argc++] = "--pid";
  argv[argc++] = (char *) pidfile;
  argv[argc++] = pidtext;
  argv[argc] = NULL;

  child = fork ();
  if (child < 0)
    return md_fail_directive (err, d, errno, tool);
  if (child == 0)
    {
      usermode_child_stdio (pidfile);
      execve (tool, argv, envp);
      _exit (127);
    }
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return md_fail_directive (err, d, errno, tool);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return md_fail_directive (err, d, WIFEXITED (status) && WEXITSTATUS (status) == 127 ? ENOENT : EIO, tool);
  /* The daemon is reparented to us (the monitor is a child subreaper) and stays a zombie until we reap it, so its
     pid cannot be reused before the pidfd holds it. */
  p->pid = read_pidfile (pidfile);
  if (p->pid <= 0)
    return md_fail_directive (err, d, ESRCH, pidfile);
  p->pidfd = (int) syscall (SYS_pidfd_open, p->pid, 0);
  return 0;
}

void
pasta_stop (struct pasta *p)
{
  siginfo_t info;
  if (p->pid <= 0)
    return;
  if (p->pidfd >= 0)
    {
      /* Exact even if it died earlier and was reaped by the monitor's waitpid(-1): ESRCH then, nothing else hit. */
      syscall (SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
      while (syscall (SYS_waitid, P_PIDFD, p->pidfd, &info, WEXITED, NULL) < 0 && errno == EINTR)
        ;
      close (p->pidfd);
    }
  else
    {
      kill (p->pid, SIGKILL);
      while (waitpid (p->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  p->pid = -1;
  p->pidfd = -1;
}
