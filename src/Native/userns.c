#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns.h"

#define MAX_MAP_WORDS 30   /* the kernel takes at most 340 lines; newuidmap callers here pass a few */

int
userns_run_map_tool (const char *tool, pid_t pid, const char *map)
{
  char pidtext[16], copy[512], *argv[MAX_MAP_WORDS + 3], *save = NULL, *w;
  char *const envp[] = { NULL };
  int argc = 0, status;
  pid_t child;

  if (strlen (map) >= sizeof copy)
    return errno = E2BIG, -1;
  strcpy (copy, map);
  snprintf (pidtext, sizeof pidtext, "%d", (int) pid);
  argv[argc++] = (char *) tool;
  argv[argc++] = pidtext;
  for (w = strtok_r (copy, " ", &save); w != NULL; w = strtok_r (NULL, " ", &save))
    {
      if (argc >= MAX_MAP_WORDS + 2)
        return errno = E2BIG, -1;
      argv[argc++] = w;
    }
  argv[argc] = NULL;
  child = fork ();
  if (child < 0)
    return -1;
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
      return -1;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    return errno = WIFEXITED (status) && WEXITSTATUS (status) == 127 ? ENOENT : EPERM, -1;
  return 0;
}

/* The same, failing as directive D: naming MAP when it is too long, else TOOL. */
static int
run_map_tool (const struct directive *d, const char *tool, pid_t pid, const char *map, struct md_error *err)
{
  if (userns_run_map_tool (tool, pid, map) < 0)
    return md_fail_directive (err, d, errno, errno == E2BIG ? map : tool);
  return 0;
}

static int
write_proc_file (const struct directive *d, pid_t pid, const char *name, const char *text, struct md_error *err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, name);
  /* One write: the kernel takes a map only whole, and only once. */
  return md_write_file (d, path, text, err);
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
