/* mdhelper: executes a MiniDocker launch plan (docs/launch-plan.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "monitor.h"
#include "plan.h"

static int
usage (void)
{
  fputs ("usage: mdhelper run   (launch plan on stdin, report on stdout)\n", stderr);
  return 2;
}

/* The caller gets its child back at once; the monitor is a grandchild in its own session, so
   it outlives the caller and never acquires a controlling terminal. */
static int
mode_run (void)
{
  struct plan plan;
  struct md_error err;
  pid_t middle;
  int status;

  memset (&err, 0, sizeof err);
  if (plan_load (0, &plan, &err) < 0)
    {
      monitor_report_error (&err);
      return 1;
    }
  middle = fork ();
  if (middle < 0)
    {
      md_fail (&err, errno, "fork", "monitor");
      monitor_report_error (&err);
      return 1;
    }
  if (middle > 0)
    {
      while (waitpid (middle, &status, 0) < 0 && errno == EINTR)
        ;
      return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
    }

  setsid ();
  switch (fork ())
    {
    case -1:
      md_fail (&err, errno, "fork", "monitor");
      monitor_report_error (&err);
      _exit (1);
    case 0:
      _exit (monitor_run (&plan));
    default:
      _exit (0);
    }
}

int
main (int argc, char **argv)
{
  if (argc == 2 && strcmp (argv[1], "run") == 0)
    return mode_run ();
  return usage ();
}
