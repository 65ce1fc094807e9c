#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns.h"

#define MAX_MAP_WORDS 30   /* the kernel takes at most 340 lines; newuidmap callers here pass a few */

/* Runs TOOL PID WORDS... (newuidmap 1234 0 1000 1 1 100000 65536) and waits for it. */
static int
run_map_tool (const struct directive *d, const char *tool, pid_t pid, const char *map, struct md_error *err)
{
  char pidtext[16], copy[512], *argv[MAX_MAP_WORDS + 3], *save = NULL, *w;
  char *const envp[] = { NULL };
  int argc = 0, status;
  pid_t child;

  if (strlen (map) >= sizeof copy)
    return md_fail_directive (err, d, E2BIG, map);
  strcpy (copy, map);
  snprintf (pidtext, sizeof pidtext, "%d", (int) pid);
  argv[argc++] = (char *) tool;
  argv[argc++] = pidtext;
  for (w = strtok_r (copy, " ", &save); w != NULL; w = strtok_r (NULL, " ", &save))
    {
      if (argc >= MAX_MAP_WORDS + 2)
        return md_fail_directive (err, d, E2BIG, map);
      argv[argc++] = w;
    }
  argv[argc] = NULL;
  child = fork ();
  if (child < 0)
    return md_fail_directive (err, d, errno, tool);
  if (child == 0)
    {
      /* Its own output would reach the engine's report pipe: only its exit status counts. */
      int null = open ("/dev/null", O_RDWR);
      if (null >= 0)
        {
          dup2 (null, 0);
          dup2 (null, 1);
        }
      execve (tool, argv, envp);
      _exit (127);
    }
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return md_fail_directive (err, d, errno, tool);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return md_fail_directive (err, d, WIFEXITED (status) && WEXITSTATUS (status) == 127 ? ENOENT : EPERM, tool);
  return 0;
}

static int
write_proc_file (const struct directive *d, pid_t pid, const char *name, const char *text, struct md_error *err)
{
  char path[64];
  int fd, rc;

  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, name);
  fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return md_fail_directive (err, d, errno, path);
  /* One write: the kernel takes a map only whole, and only once. */
  rc = write_all (fd, text, strlen (text));
  if (rc < 0)
    {
      int saved = errno;
      close (fd);
      return md_fail_directive (err, d, saved, path);
    }
  close (fd);
  return 0;
}

int
userns_map (const struct plan *plan, pid_t pid, struct md_error *err)
{
  const struct directive *d = plan->userns;
  const char *uid_map = d->args[0], *gid_map = d->args[1], *newuidmap = d->args[2], *newgidmap = d->args[3];

  if (newuidmap[0] != '\0' && newgidmap[0] != '\0')
    return run_map_tool (d, newuidmap, pid, uid_map, err) < 0 ? -1 : run_map_tool (d, newgidmap, pid, gid_map, err);
  /* No subordinate range: one line each ("0 1000 1", our own ids); setgroups must be denied first. */
  if (write_proc_file (d, pid, "uid_map", uid_map, err) < 0 || write_proc_file (d, pid, "setgroups", "deny", err) < 0
      || write_proc_file (d, pid, "gid_map", gid_map, err) < 0)
    return -1;
  return 0;
}
