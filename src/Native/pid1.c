#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init.h"
#include "pid1.h"
#include "status.h"

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

_Noreturn void
pid1_run (const struct plan *plan, int error_fd)
{
  sigset_t all, old;
  pid_t command;
  int sig;

  /* Blocked signals stay pending even for a namespace init without handlers. */
  sigemptyset (&all);
  for (sig = 1; sig < NSIG; sig++)
    if (!is_synchronous (sig))
      sigaddset (&all, sig);
  sigprocmask (SIG_BLOCK, &all, &old);

  command = fork ();
  if (command < 0)
    {
      struct md_error err;
      md_fail (&err, errno, "fork", plan->argv[0]);
      md_error_send (error_fd, &err);
      _exit (127);
    }
  if (command == 0)
    {
      struct md_error err;
      init_reset_signals ();
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
