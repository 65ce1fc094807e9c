/* mdhelper: executes a MiniDocker launch plan (docs/launch-plan.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec.h"
#include "exeseal.h"
#include "idshift.h"
#include "monitor.h"
#include "pid1.h"
#include "plan.h"

static int
usage (void)
{
  fputs ("usage: mdhelper run              (launch plan on stdin, report on stdout)\n"
         "       mdhelper run PLAN-FILE    (launch plan from a file, report on stderr; `tty`: stays attached)\n"
         "       mdhelper exec PLAN-FILE   (exec plan; the command's status is the exit code)\n", stderr);
  return 2;
}

/* True when nobody reads the report pipe any more: the caller (pwsh) was killed while we started,
   and a container it never recorded must not run. A terminal or file is never "gone". */
static bool
caller_gone (int fd)
{
  struct pollfd p = { .fd = fd, .events = POLLOUT };
  return poll (&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

/* The caller gets its child back at once; the monitor is in a session of its own (never its
   leader), so it outlives the caller and never acquires a controlling terminal. With `tty` (plan from a file,
   since fds 0-1 are the caller's terminal) this process is the monitor, in the caller's session. */
static int
mode_run (const char *plan_path)
{
  struct plan plan;
  struct md_error err;
  pid_t middle;
  int status, fd = 0;

  memset (&err, 0, sizeof err);
  if (plan_path != NULL)
    {
      monitor_report_fd = 2;
      fd = open (plan_path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          md_fail (&err, errno, "plan", plan_path);
          monitor_report_error (&err);
          return 1;
        }
    }
  if (plan_load (fd, PLAN_RUN, &plan, &err) < 0)
    {
      monitor_report_error (&err);
      return 1;
    }
  if (fd > 0)
    close (fd);
  if (caller_gone (monitor_report_fd))
    return 1;
  if (plan.tty)
    return monitor_run (&plan);
  /* One fork where this process may start a session (it is no group leader): the child of a
     session leader is detached just as a double fork's grandchild is, and a whole process is
     saved per container. A group leader (started by a shell as a job) takes the double fork. */
  if (setsid () >= 0)
    {
      middle = fork ();
      if (middle < 0)
        {
          md_fail (&err, errno, "fork", "monitor");
          monitor_report_error (&err);
          return 1;
        }
      if (middle == 0)
        _exit (monitor_run (&plan));
      return 0;
    }
  if (errno != EPERM)
    {
      md_fail (&err, errno, "setsid", "monitor");
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

  if (setsid () < 0)
    {
      md_fail (&err, errno, "setsid", "monitor");
      monitor_report_error (&err);
      _exit (1);
    }
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

/* The plan comes from a file, because fds 0-2 belong to the command (a terminal for a tty). */
static int
mode_exec (const char *plan_path)
{
  struct plan plan;
  struct md_error err;
  int fd = open (plan_path, O_RDONLY | O_CLOEXEC);

  memset (&err, 0, sizeof err);
  if (fd < 0)
    {
      md_fail (&err, errno, "plan", plan_path);
      md_error_report (2, &err);
      return EXEC_FAILED;
    }
  if (plan_load (fd, PLAN_EXEC, &plan, &err) < 0)
    {
      close (fd);
      md_error_report (2, &err);
      return EXEC_FAILED;
    }
  close (fd);
  return exec_run (&plan);
}

int
main (int argc, char **argv)
{
  struct md_error err;
  bool run = argc >= 2 && argc <= 3 && strcmp (argv[1], "run") == 0;
  bool exec = argc == 3 && strcmp (argv[1], "exec") == 0;

  /* Rootless storage (idshift.c): no container runs, so no sealed copy is needed. */
  if (argc >= 2 && strcmp (argv[1], "userns") == 0)
    return mode_userns (argc, argv);

  if (!run && !exec)
    return usage ();
  /* Started as /proc/self/fd/N, the kernel names the process "N": ps, ss and top should say mdhelper. */
  if (prctl (PR_SET_NAME, "mdhelper", 0, 0, 0) < 0)
    {
      md_fail (&err, errno, "prctl", "PR_SET_NAME");
      md_error_report (run && argc == 2 ? 1 : 2, &err);
      return exec ? EXEC_FAILED : 1;
    }
  /* Before anything reaches a container: from here on this process is a sealed copy. */
  memset (&err, 0, sizeof err);
  if (exeseal_ensure (argv, &err) < 0)
    {
      md_error_report (run && argc == 2 ? 1 : 2, &err);
      return exec ? EXEC_FAILED : 1;
    }
  pid1_set_title_area (argv[0], (size_t) (argv[argc - 1] + strlen (argv[argc - 1]) + 1 - argv[0]));
  if (exec)
    return mode_exec (argv[2]);
  return mode_run (argc == 3 ? argv[2] : NULL);
}
