#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "inroot.h"

int
inroot_locate (const char *root, const char *path, struct in_root *r)
{
  size_t n = root ? strlen (root) : 0;
  r->rootfd = -1;
  r->rel = path;
  if (n == 0 || strncmp (path, root, n) != 0 || path[n] != '/')
    return 0;
  r->rel = path + n + 1;
  r->rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return r->rootfd < 0 ? -1 : 0;
}

void
inroot_release (struct in_root *r)
{
  if (r->rootfd >= 0)
    close (r->rootfd);
  r->rootfd = -1;
}

int
inroot_open (int rootfd, const char *path, int flags)
{
  struct open_how how = {
    .flags = (unsigned long long) (O_PATH | O_CLOEXEC | flags),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  if (rootfd < 0)
    return openat (AT_FDCWD, *path ? path : ".", O_PATH | O_CLOEXEC | flags);
  return (int) syscall (SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
}

/* The directory that holds PATH's last component: "." for a bare name, "/" for "/name". */
static const char *
split_parent (char *path, const char **name)
{
  char *slash = strrchr (path, '/');
  if (slash == NULL)
    {
      *name = path;
      return ".";
    }
  *name = slash + 1;
  if (slash == path)
    return "/";
  *slash = '\0';
  return path;
}

/* mkdir of BUF's last component, below its parent opened inside the root (EEXIST is fine). */
static int
mkdir_last (int rootfd, const char *buf, mode_t mode)
{
  char copy[PATH_MAX];
  const char *name, *parent_path;
  int parent, rc;
  strcpy (copy, buf);
  parent_path = split_parent (copy, &name);
  parent = inroot_open (rootfd, parent_path, O_DIRECTORY);
  if (parent < 0)
    return -1;
  rc = mkdirat (parent, name, mode);
  if (rc < 0 && errno == EEXIST)
    rc = 0;
  if (rc < 0)
    {
      int e = errno;
      close (parent);
      errno = e;
      return -1;
    }
  close (parent);
  return 0;
}

int
inroot_mkdir_p (int rootfd, const char *path, mode_t mode)
{
  char buf[PATH_MAX];
  size_t len = strlen (path);
  char *p;
  int fd;

  if (len >= sizeof buf || (len == 0 && rootfd < 0))
    {
      errno = len ? ENAMETOOLONG : ENOENT;
      return -1;
    }
  memcpy (buf, path, len + 1);
  while (len > 1 && buf[len - 1] == '/')
    buf[--len] = '\0';
  /* Each component in turn (a leading "/" and empty components "a//b" name none). */
  for (p = buf; *p != '\0'; p++)
    if (*p == '/' && p != buf && p[-1] != '/')
      {
        *p = '\0';
        if (mkdir_last (rootfd, buf, 0755) < 0)
          return -1;
        *p = '/';
      }
  if (len > 0 && !(len == 1 && buf[0] == '/') && mkdir_last (rootfd, buf, mode) < 0)
    return -1;
  /* An existing symlink was followed (inside the root); what it names must be a directory. */
  fd = inroot_open (rootfd, buf, O_DIRECTORY);
  if (fd < 0)
    return -1;
  close (fd);
  return 0;
}

int
inroot_open_parent (int rootfd, const char *path, char *buf, size_t size, const char **name)
{
  const char *parent;
  if (strlen (path) >= size)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  strcpy (buf, path);
  parent = split_parent (buf, name);
  if (strcmp (parent, ".") != 0 && strcmp (parent, "/") != 0 && inroot_mkdir_p (rootfd, parent, 0755) < 0)
    return -1;
  return inroot_open (rootfd, parent, O_DIRECTORY);
}
