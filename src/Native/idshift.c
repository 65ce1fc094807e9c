/* Rootless storage work as root of a user namespace with the user's subordinate range mapped (what
   `podman unshare` gives): the engine's own process cannot make one (a multithreaded process may not
   unshare CLONE_NEWUSER), and files owned by subordinate ids can be chowned to, and deleted, only
   from inside one.

     mdhelper userns UIDMAP GIDMAP NEWUIDMAP NEWGIDMAP chown ROOT LIST
       LIST: records "UID GID MODE PATH\0" (container ids; MODE -1: leave the mode, e.g. a symlink);
       PATH resolves inside ROOT (openat2 RESOLVE_IN_ROOT), never through its last component.
     mdhelper userns UIDMAP GIDMAP NEWUIDMAP NEWGIDMAP rm PATH
       deletes the tree PATH without following symlinks or crossing into another mount.

   Errors: one line on stderr; exit 1 (3: an id the mapping does not hold). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "idshift.h"
#include "inroot.h"
#include "userns.h"

#define EXIT_UNMAPPED 3

static int
fail (const char *what, const char *path, int e)
{
  fprintf (stderr, "mdhelper userns: %s '%s': %s\n", what, path, strerror (e));
  return 1;
}

/* newuidmap PID 0 1000 1 1 100000 65536 */
static int
run_map_tool (const char *tool, pid_t pid, const char *map)
{
  if (userns_run_map_tool (tool, pid, map) < 0)
    return errno == E2BIG ? fail ("map", map, errno) : fail ("run", tool, errno);
  return 0;
}

/* Deletes NAME below AT; DEV: the device of the tree's top, so a mount inside is never entered. */
static int
remove_at (int at, const char *name, dev_t dev, const char *top)
{
  struct stat st;
  struct dirent *ent;
  DIR *d;
  int fd, pass;

  if (fstatat (at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : fail ("stat in", top, errno);
  if (!S_ISDIR (st.st_mode))
    return unlinkat (at, name, 0) < 0 && errno != ENOENT ? fail ("unlink in", top, errno) : 0;
  if (st.st_dev != dev)
    return fail ("refusing a mount point in", top, EBUSY);
  fd = openat (at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return fail ("open in", top, errno);
  d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return fail ("read in", top, errno);
    }
  /* Entries deleted while reading may make readdir skip some: read again until it is empty. */
  for (pass = 0; pass < 8; pass++)
    {
      int removed = 0;
      rewinddir (d);
      while ((ent = readdir (d)) != NULL)
        {
          if (strcmp (ent->d_name, ".") == 0 || strcmp (ent->d_name, "..") == 0)
            continue;
          if (remove_at (dirfd (d), ent->d_name, dev, top) != 0)
            {
              closedir (d);
              return 1;
            }
          removed++;
        }
      if (removed == 0)
        break;
    }
  closedir (d);
  return unlinkat (at, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? fail ("rmdir in", top, errno) : 0;
}

static int
op_rm (const char *path)
{
  char copy[4096], *slash;
  const char *name;
  struct stat top;
  struct rlimit rl;
  int parent, rc;

  if (strlen (path) >= sizeof copy || path[0] != '/')
    return fail ("remove", path, EINVAL);
  /* One fd a level: a deep tree needs more than the usual soft limit of 1024. */
  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
  strcpy (copy, path);
  slash = strrchr (copy, '/');
  *slash = '\0';
  name = slash + 1;
  parent = open (copy[0] ? copy : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return errno == ENOENT ? 0 : fail ("open", copy, errno);
  if (fstatat (parent, name, &top, AT_SYMLINK_NOFOLLOW) < 0)
    {
      close (parent);
      return errno == ENOENT ? 0 : fail ("stat", path, errno);
    }
  rc = remove_at (parent, name, top.st_dev, path);
  close (parent);
  return rc;
}

static int
op_chown (const char *root, const char *list)
{
  char *buf = NULL, *p, *end;
  size_t size = 0, len = 0;
  ssize_t got;
  int rootfd, fd;

  fd = open (list, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail ("open", list, errno);
  for (;;)
    {
      if (len == size)
        {
          char *more = realloc (buf, size = size ? size * 2 : 65536);
          if (more == NULL)
            return fail ("read", list, ENOMEM);
          buf = more;
        }
      got = read (fd, buf + len, size - len);
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return fail ("read", list, errno);
      if (got == 0)
        break;
      len += (size_t) got;
    }
  close (fd);
  rootfd = open (root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rootfd < 0)
    return fail ("open", root, errno);
  for (p = buf, end = buf + len; p < end; p += strlen (p) + 1)
    {
      unsigned int uid, gid;
      int mode, n = 0, target;
      char proc[64];
      const char *path;

      if (memchr (p, '\0', (size_t) (end - p)) == NULL || sscanf (p, "%u %u %d %n", &uid, &gid, &mode, &n) != 3 || n == 0)
        return fail ("parse a record of", list, EINVAL);
      path = p + n;
      target = inroot_open (rootfd, path, O_NOFOLLOW);
      if (target < 0)
        {
          if (errno == ENOENT)   /* a later entry of the layer deleted it */
            continue;
          return fail ("open", path, errno);
        }
      if (fchownat (target, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
        {
          int e = errno;
          close (target);
          if (e == EINVAL)
            {
              fprintf (stderr, "mdhelper userns: chown '%s' to %u:%u: the id is outside the user namespace's mapping\n", path, uid, gid);
              return EXIT_UNMAPPED;
            }
          return fail ("chown", path, e);
        }
      /* chown cleared setuid/setgid: the mode again, through the fd (an O_PATH fd takes no fchmod). */
      snprintf (proc, sizeof proc, "/proc/self/fd/%d", target);
      if (mode >= 0 && chmod (proc, (mode_t) mode) < 0)
        {
          int e = errno;
          close (target);
          return fail ("chmod", path, e);
        }
      close (target);
    }
  free (buf);
  close (rootfd);
  return 0;
}

int
mode_userns (int argc, char **argv)
{
  int ready[2], go[2], status;
  char c;
  pid_t child;

  if (argc < 8 || (strcmp (argv[6], "chown") == 0 ? argc != 9 : strcmp (argv[6], "rm") != 0 || argc != 8))
    {
      fputs ("usage: mdhelper userns UIDMAP GIDMAP NEWUIDMAP NEWGIDMAP chown ROOT LIST | rm PATH\n", stderr);
      return 2;
    }
  if (pipe2 (ready, O_CLOEXEC) < 0 || pipe2 (go, O_CLOEXEC) < 0)
    return fail ("pipe", "", errno);
  child = fork ();
  if (child < 0)
    return fail ("fork", "", errno);
  if (child == 0)
    {
      close (ready[0]);
      close (go[1]);
      if (unshare (CLONE_NEWUSER) < 0)
        _exit (fail ("unshare", "CLONE_NEWUSER", errno));
      if (write (ready[1], "r", 1) != 1)
        _exit (1);
      close (ready[1]);
      /* The parent closes without writing when the maps could not be written. */
      if (read (go[0], &c, 1) != 1)
        _exit (1);
      /* The user's own supplementary groups are unmapped here: drop them; be 0:0, which maps to the user. */
      if (setgroups (0, NULL) < 0 || setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
        _exit (fail ("become root of", "the user namespace", errno));
      _exit (strcmp (argv[6], "chown") == 0 ? op_chown (argv[7], argv[8]) : op_rm (argv[7]));
    }
  close (ready[1]);
  close (go[0]);
  if (read (ready[0], &c, 1) != 1 || run_map_tool (argv[4], child, argv[2]) != 0 || run_map_tool (argv[5], child, argv[3]) != 0)
    {
      close (go[1]);
      waitpid (child, &status, 0);
      return 1;
    }
  if (write (go[1], "g", 1) != 1)
    return fail ("signal", "the child", errno);
  close (go[1]);
  while (waitpid (child, &status, 0) < 0)
    if (errno != EINTR)
      return fail ("wait", "the child", errno);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}
