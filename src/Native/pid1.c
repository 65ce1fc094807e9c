#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "pid1.h"
#include "status.h"

#define PID1_TITLE "minidocker-init"

static char *title_area;
static size_t title_len;

void
pid1_set_title_area (char *start, size_t len)
{
  title_area = start;
  title_len = len;
}

/* In place, no prctl(PR_SET_MM) (which needs CAP_SYS_RESOURCE): the title, then NULs to the end. */
static void
set_title (void)
{
  if (title_area == NULL || title_len == 0)
    return;
  memset (title_area, 0, title_len);
  memcpy (title_area, PID1_TITLE, title_len - 1 < sizeof PID1_TITLE - 1 ? title_len - 1 : sizeof PID1_TITLE - 1);
}

/* Faults are about this process, not requests to forward. */
static bool
is_synchronous (int sig)
{
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP
         || sig == SIGSYS || sig == SIGABRT || sig == SIGKILL || sig == SIGSTOP;
}

/* Returns the command's exit code once it has been reaped, -1 while it runs. */
static int
reap_children (pid_t command)
{
  int code = -1, status;
  pid_t pid;
  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    if (pid == command)
      code = status_exit_code (status);
  return code;
}

static _Noreturn void
fail (int error_fd, int errnum, const char *step, const char *arg)
{
  struct md_error err;
  memset (&err, 0, sizeof err);
  md_fail (&err, errnum, step, arg);
  md_error_send (error_fd, &err);
  _exit (127);
}

_Noreturn void
pid1_run (const struct plan *plan, int error_fd)
{
  sigset_t all, old;
  pid_t command;
  int sig;

  set_title ();
  /* Blocked signals stay pending even for a namespace init without handlers. */
  sigemptyset (&all);
  for (sig = 1; sig < NSIG; sig++)
    if (!is_synchronous (sig))
      sigaddset (&all, sig);
  if (sigprocmask (SIG_BLOCK, &all, &old) < 0)
    fail (error_fd, errno, "signals", "sigprocmask");

  command = fork ();
  if (command < 0)
    fail (error_fd, errno, "fork", plan->argv[0]);
  if (command == 0)
    {
      struct md_error err;
      /* With a pty, the command is its foreground process group (Ctrl+C reaches it, not us);
         SIGTTOU is still blocked here, so tcsetpgrp from the background works. */
      if (plan->tty && (setpgid (0, 0) < 0 || tcsetpgrp (0, getpid ()) < 0))
        fail (error_fd, errno, "tty", "tcsetpgrp");
      memset (&err, 0, sizeof err);
      if (init_reset_signals (&err) == 0)
        init_exec_command (plan, &err);
      md_error_send (error_fd, &err);
      _exit (127);
    }
  close (error_fd);

  for (;;)
    {
      siginfo_t info;
      int code;
      sig = sigwaitinfo (&all, &info);
      if (sig < 0)
        continue;
      if (sig == SIGCHLD)
        {
          code = reap_children (command);
          if (code >= 0)
            {
              reap_children (command);
              _exit (code);
            }
          continue;
        }
      if (kill (command, sig) < 0 && errno == ESRCH)
        continue;
    }
}
