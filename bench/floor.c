/* floor: the least a container start can cost, as a yardstick for bench/Invoke-Benchmark.ps1.

     floor ROOTFS CMD [ARGS...]            clone(5 namespaces), rprivate, bind ROOTFS, pivot_root,
                                           umount old root, mount /proc, sethostname, execve, waitpid
     floor --cgroup NAME ROOTFS CMD...     the same, plus: mkdir NAME-PID in the memory, pids and cpu
                                           hierarchies under this process's own cgroup, write limits,
                                           put the child in before it runs, rmdir after
     floor --drive PLANFILE HELPER         runs `HELPER run` with PLANFILE on stdin as a child
                                           subreaper and waits until every descendant (the
                                           detached monitor too) has exited: mdhelper alone

   Exits with the container's exit code. Built by the bench with cc; no dependencies. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAMESPACES (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

static const char *rootfs;
static char **argv_cmd;
static int sync_r;

static void
die (const char *what)
{
  fprintf (stderr, "floor: %s: %s\n", what, strerror (errno));
  _exit (127);
}

static int
child (void *arg)
{
  char c;
  (void) arg;
  if (read (sync_r, &c, 1) != 1)
    _exit (126);
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    die ("rprivate");
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    die ("bind rootfs");
  if (chdir (rootfs) < 0)
    die ("chdir");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    die ("pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    die ("umount old root");
  if (chdir ("/") < 0)
    die ("chdir /");
  if (mount ("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    die ("mount /proc");
  if (sethostname ("floor", 5) < 0)
    die ("sethostname");
  execve (argv_cmd[0], argv_cmd, (char *[]){ "PATH=/bin:/sbin", NULL });
  die ("execve");
  return 127;
}

/* The path of this process's cgroup in a v1 hierarchy, from /proc/self/cgroup ("N:ctrl,..:/path"). */
static int
own_cgroup (const char *controller, char *out, size_t size)
{
  char line[512];
  FILE *f = fopen ("/proc/self/cgroup", "re");
  int found = -1;
  if (f == NULL)
    return -1;
  while (found < 0 && fgets (line, sizeof line, f))
    {
      char *ctrls = strchr (line, ':'), *path, *tok, *save;
      if (ctrls == NULL || (path = strchr (++ctrls, ':')) == NULL)
        continue;
      *path++ = 0;
      path[strcspn (path, "\n")] = 0;
      for (tok = strtok_r (ctrls, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
        if (strcmp (tok, controller) == 0)
          {
            snprintf (out, size, "%s", strcmp (path, "/") == 0 ? "" : path);
            found = 0;
          }
    }
  fclose (f);
  return found;
}

static void
write_file (const char *dir, const char *file, const char *value)
{
  char path[1024];
  int fd;
  snprintf (path, sizeof path, "%s/%s", dir, file);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, value, strlen (value)) < 0)
    die (path);
  close (fd);
}

static const char *const controllers[] = { "memory", "pids", "cpu" };
#define NCG 3

static int
drive (const char *planfile, const char *helper)
{
  int status = 0, code = 0;
  pid_t pid, p;
  prctl (PR_SET_CHILD_SUBREAPER, 1);
  pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      int fd = open (planfile, O_RDONLY);
      int null = open ("/dev/null", O_WRONLY);
      if (fd < 0 || null < 0 || dup2 (fd, 0) < 0 || dup2 (null, 1) < 0)
        die (planfile);
      execl (helper, helper, "run", (char *) NULL);
      die (helper);
    }
  /* The helper's first process exits at once; the monitor is reparented to us and ends with the
     container (its exit code is the container's). */
  while ((p = waitpid (-1, &status, 0)) > 0 || errno == EINTR)
    if (p > 0 && p != pid && WIFEXITED (status))
      code = WEXITSTATUS (status);
  return code;
}

int
main (int argc, char **argv)
{
  static char stack[1 << 16];
  char dirs[NCG][1024];
  const char *cgname = NULL;
  int sync_p[2], status, i;
  pid_t pid;

  if (argc == 4 && strcmp (argv[1], "--drive") == 0)
    return drive (argv[2], argv[3]);
  if (argc > 2 && strcmp (argv[1], "--cgroup") == 0)
    {
      cgname = argv[2];
      argv += 2;
      argc -= 2;
    }
  if (argc < 3)
    {
      fputs ("usage: floor [--cgroup NAME] ROOTFS CMD [ARGS...] | floor --drive PLANFILE HELPER\n", stderr);
      return 2;
    }
  rootfs = argv[1];
  argv_cmd = argv + 2;

  if (cgname)
    for (i = 0; i < NCG; i++)
      {
        char own[512];
        if (own_cgroup (controllers[i], own, sizeof own) < 0)
          die (controllers[i]);
        snprintf (dirs[i], sizeof dirs[i], "/sys/fs/cgroup/%s%s/%s-%d", controllers[i], own, cgname, (int) getpid ());
        if (mkdir (dirs[i], 0755) < 0)
          die (dirs[i]);
      }
  if (cgname)
    {
      write_file (dirs[0], "memory.limit_in_bytes", "268435456");
      write_file (dirs[1], "pids.max", "1024");
      write_file (dirs[2], "cpu.shares", "1024");
    }

  if (pipe2 (sync_p, O_CLOEXEC) < 0)
    die ("pipe");
  sync_r = sync_p[0];
  pid = clone (child, stack + sizeof stack, NAMESPACES | SIGCHLD, NULL);
  if (pid < 0)
    die ("clone");
  if (cgname)
    {
      char s[16];
      snprintf (s, sizeof s, "%d", (int) pid);
      for (i = 0; i < NCG; i++)
        write_file (dirs[i], "cgroup.procs", s);
    }
  if (write (sync_p[1], "r", 1) != 1)
    die ("sync");
  close (sync_p[1]);
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die ("waitpid");
  if (cgname)
    for (i = 0; i < NCG; i++)
      if (rmdir (dirs[i]) < 0)
        die ("rmdir");
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
