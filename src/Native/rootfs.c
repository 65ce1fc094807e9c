#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>

#include "netdev.h"
#include "network.h"
#include "rootfs.h"

int
rootfs_make_private (struct md_error *err)
{
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return md_fail (err, errno, "rprivate", "/");
  return 0;
}

/* mkdir -p; the last component gets MODE (the init runs with umask 0). */
static int
mkdir_p (const char *path, mode_t mode)
{
  char buf[PATH_MAX];
  char *p;
  size_t len = strlen (path);

  if (len == 0 || len >= sizeof buf)
    {
      errno = len ? ENAMETOOLONG : ENOENT;
      return -1;
    }
  memcpy (buf, path, len + 1);
  while (len > 1 && buf[len - 1] == '/')
    buf[--len] = '\0';
  for (p = buf + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (buf, 0755) < 0 && errno != EEXIST)
        return -1;
      *p = '/';
    }
  if (mkdir (buf, mode) < 0)
    {
      struct stat st;
      if (errno != EEXIST)
        return -1;
      if (stat (buf, &st) < 0)
        return -1;
      if (!S_ISDIR (st.st_mode))
        {
          errno = ENOTDIR;
          return -1;
        }
    }
  return 0;
}

/* Paths below the pivot directory belong to the container's rootfs, which may be hostile: they
   are resolved as if it were "/" (symlinks and ".." cannot leave it) and mounted through
   /proc/self/fd/N, so no step of the plan can touch a host path an image points at. */
struct in_root
{
  int rootfd;           /* -1: a plain host path */
  const char *rel;      /* path relative to the root, or the plain path */
};

static bool pivoted;

static int
open_in_root (int rootfd, const char *rel, int flags)
{
  struct open_how how = {
    .flags = (unsigned long long) (O_PATH | O_CLOEXEC | flags),
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  return (int) syscall (SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof how);
}

static int
locate (const struct plan *plan, const char *path, struct in_root *r)
{
  size_t n = plan->pivot ? strlen (plan->pivot) : 0;
  r->rootfd = -1;
  r->rel = path;
  if (pivoted || n == 0 || strncmp (path, plan->pivot, n) != 0 || path[n] != '/')
    return 0;
  r->rel = path + n + 1;
  r->rootfd = open (plan->pivot, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return r->rootfd < 0 ? -1 : 0;
}

static void
release (struct in_root *r)
{
  if (r->rootfd >= 0)
    close (r->rootfd);
  r->rootfd = -1;
}

/* mkdir -p inside the root; the last component gets MODE. */
static int
mkdir_in_root (int rootfd, const char *rel, mode_t mode)
{
  char buf[PATH_MAX];
  size_t len = strlen (rel);
  char *p;
  int fd;
  if (len >= sizeof buf)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  memcpy (buf, rel, len + 1);
  while (len > 0 && buf[len - 1] == '/')
    buf[--len] = '\0';
  for (p = buf;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char saved = *p;
      *p = '\0';
      if (p != buf)
        {
          char *slash = strrchr (buf, '/');
          int parent;
          if (slash)
            *slash = '\0';
          parent = open_in_root (rootfd, slash ? buf : "", O_DIRECTORY);
          if (slash)
            *slash = '/';
          if (parent < 0)
            return -1;
          if (mkdirat (parent, slash ? slash + 1 : buf, saved ? 0755 : mode) < 0 && errno != EEXIST)
            {
              int e = errno;
              close (parent);
              errno = e;
              return -1;
            }
          close (parent);
        }
      *p = saved;
      if (saved == '\0')
        break;
    }
  /* An existing symlink was followed inside the root; what it names must be a directory. */
  fd = open_in_root (rootfd, buf, O_DIRECTORY);
  if (fd < 0)
    return -1;
  close (fd);
  return 0;
}

/* Opens REL's parent directory inside the root (creating it) and points *NAME at the last component. */
static int
parent_in_root (int rootfd, const char *rel, char *buf, size_t size, const char **name)
{
  char *slash;
  if (strlen (rel) >= size)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  strcpy (buf, rel);
  slash = strrchr (buf, '/');
  if (slash == NULL)
    {
      *name = rel;
      return open_in_root (rootfd, "", O_DIRECTORY);
    }
  *slash = '\0';
  *name = slash + 1;
  if (mkdir_in_root (rootfd, buf, 0755) < 0)
    return -1;
  return open_in_root (rootfd, buf, O_DIRECTORY);
}

/* A bind mount of a file needs a file to land on; anything else lands on a directory. */
static int
ensure_mount_target (const char *src, const char *target, unsigned long flags)
{
  struct stat st;
  if (lstat (target, &st) == 0)
    return 0;
  if (errno != ENOENT)
    return -1;
  if ((flags & MS_BIND) && src && stat (src, &st) == 0 && !S_ISDIR (st.st_mode))
    {
      char parent[PATH_MAX];
      char *slash;
      int fd;
      if (strlen (target) >= sizeof parent)
        {
          errno = ENAMETOOLONG;
          return -1;
        }
      strcpy (parent, target);
      slash = strrchr (parent, '/');
      if (slash && slash != parent)
        {
          *slash = '\0';
          if (mkdir_p (parent, 0755) < 0)
            return -1;
        }
      fd = open (target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        return -1;
      close (fd);
      return 0;
    }
  return mkdir_p (target, 0755);
}

static const char *
null_if_empty (const char *s)
{
  return *s ? s : NULL;
}

/* The mount target inside the root as an O_PATH fd, created (file or directory) when missing. */
static int
open_mount_target_in_root (int rootfd, const char *rel, const char *src, unsigned long flags)
{
  struct stat st;
  char buf[PATH_MAX];
  const char *name;
  int fd = open_in_root (rootfd, rel, 0), parent;
  if (fd >= 0 || errno != ENOENT || (flags & MS_REMOUNT))
    return fd;
  if (!((flags & MS_BIND) && src && stat (src, &st) == 0 && !S_ISDIR (st.st_mode)))
    return mkdir_in_root (rootfd, rel, 0755) < 0 ? -1 : open_in_root (rootfd, rel, 0);
  parent = parent_in_root (rootfd, rel, buf, sizeof buf, &name);
  if (parent < 0)
    return -1;
  fd = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  close (parent);
  if (fd < 0)
    return -1;
  close (fd);
  return open_in_root (rootfd, rel, O_NOFOLLOW);
}

/* A bind source below the pivot directory is opened inside it too; *FD is -1 otherwise. */
static int
bind_source (const struct plan *plan, const char *src, unsigned long flags, int *fd, char *buf, size_t size)
{
  struct in_root r;
  *fd = -1;
  if (src == NULL || !(flags & MS_BIND))
    return 0;
  if (locate (plan, src, &r) < 0)
    return -1;
  if (r.rootfd < 0)
    return 0;
  *fd = open_in_root (r.rootfd, r.rel, 0);
  release (&r);
  if (*fd < 0)
    return -1;
  snprintf (buf, size, "/proc/self/fd/%d", *fd);
  return 0;
}

static bool
same_inode (int a, int b)
{
  struct stat sa, sb;
  return fstat (a, &sa) == 0 && fstat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static unsigned long locked_flags (const char *path);

/* A bind remount replaces the mount's nosuid/nodev/noexec: keep the ones it has (a volume from a nodev,
   noexec host mount stays so when it is made read-only or nosuid). */
static unsigned long
remount_flags (unsigned long flags, const char *target)
{
  return (flags & MS_REMOUNT) && (flags & MS_BIND) ? flags | locked_flags (target) : flags;
}

static int
do_mount (const struct plan *plan, const struct directive *d, struct md_error *err)
{
  const char *src = null_if_empty (d->args[0]);
  const char *target = d->args[1];
  const char *fstype = null_if_empty (d->args[2]);
  const char *data = null_if_empty (d->args[4]);
  struct in_root r;
  char fdpath[64], srcpath[64];
  int fd, srcfd, rc = 0;

  if (bind_source (plan, src, d->num[0], &srcfd, srcpath, sizeof srcpath) < 0)
    return md_fail_directive (err, d, errno, src);
  if (srcfd >= 0)
    src = srcpath;
  if (locate (plan, target, &r) < 0)
    rc = errno;
  else if (r.rootfd < 0)
    {
      if (!(d->num[0] & MS_REMOUNT) && ensure_mount_target (src, target, d->num[0]) < 0)
        rc = errno;
      else if (mount (src, target, fstype, remount_flags (d->num[0], target), data) < 0)
        rc = errno;
    }
  else
    {
      fd = open_mount_target_in_root (r.rootfd, r.rel, src, d->num[0]);
      /* A path below the root that resolves to the root itself (/proc -> /) would mount over the
         container's whole filesystem; refuse it as the path it is, not as a later step's. */
      if (fd >= 0 && *r.rel && same_inode (fd, r.rootfd))
        {
          close (fd);
          fd = -1;
          errno = ELOOP;
        }
      release (&r);
      if (fd < 0)
        rc = errno;
      else
        {
          snprintf (fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
          if (mount (src, fdpath, fstype, remount_flags (d->num[0], fdpath), data) < 0)
            rc = errno;
          close (fd);
        }
    }
  if (srcfd >= 0)
    close (srcfd);
  return rc ? md_fail_directive (err, d, rc, target) : 0;
}

/* mkdir, mknod, symlink: inside the root when the path is below the pivot directory. */
static int
do_mkdir (const struct plan *plan, const struct directive *d, struct md_error *err)
{
  struct in_root r;
  int rc;
  if (locate (plan, d->args[0], &r) < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  rc = r.rootfd < 0 ? mkdir_p (d->args[0], (mode_t) d->num[0])
                    : mkdir_in_root (r.rootfd, r.rel, (mode_t) d->num[0]);
  if (rc < 0)
    rc = errno;
  release (&r);
  return rc ? md_fail_directive (err, d, rc, d->args[0]) : 0;
}

static int
do_node (const struct plan *plan, const struct directive *d, struct md_error *err)
{
  const char *path = d->kind == D_SYMLINK ? d->args[1] : d->args[0];
  char buf[PATH_MAX];
  const char *name = path;
  struct in_root r;
  int dirfd = AT_FDCWD, rc = 0;
  if (locate (plan, path, &r) < 0)
    return md_fail_directive (err, d, errno, path);
  if (r.rootfd >= 0 && (dirfd = parent_in_root (r.rootfd, r.rel, buf, sizeof buf, &name)) < 0)
    rc = errno;
  release (&r);
  if (rc == 0 && unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
    rc = errno;
  if (rc == 0 && d->kind == D_SYMLINK && symlinkat (d->args[0], dirfd, name) < 0)
    rc = errno;
  if (rc == 0 && d->kind == D_MKNOD
      && mknodat (dirfd, name, (mode_t) d->num[0], makedev (d->num[1], d->num[2])) < 0)
    rc = errno;
  if (dirfd >= 0)
    close (dirfd);
  return rc ? md_fail_directive (err, d, rc, path) : 0;
}

static int
do_pivot (const struct directive *d, struct md_error *err)
{
  if (chdir (d->args[0]) < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  /* pivot_root(".", ".") stacks the old root on top of the new one; detach it right away. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  if (umount2 (".", MNT_DETACH) < 0)
    return md_fail_directive (err, d, errno, "old root");
  if (chdir ("/") < 0)
    return md_fail_directive (err, d, errno, "/");
  pivoted = true;
  return 0;
}

static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long flags = 0;
  if (statvfs (path, &sv) < 0)
    return 0;
  if (sv.f_flag & ST_NOSUID)
    flags |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    flags |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    flags |= MS_NOEXEC;
  return flags;
}

static int
do_readonly (const struct directive *d, struct md_error *err)
{
  const char *path = d->args[0];
  struct stat st;
  if (lstat (path, &st) < 0)
    return errno == ENOENT ? 0 : md_fail_directive (err, d, errno, path);
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return md_fail_directive (err, d, errno, path);
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags (path), NULL) < 0)
    return md_fail_directive (err, d, errno, path);
  return 0;
}

static int
do_mask (const struct directive *d, struct md_error *err)
{
  const char *path = d->args[0];
  struct stat st;
  int rc;
  if (lstat (path, &st) < 0)
    return errno == ENOENT ? 0 : md_fail_directive (err, d, errno, path);
  if (S_ISDIR (st.st_mode))
    rc = mount ("tmpfs", path, "tmpfs", MS_RDONLY, NULL);
  else
    rc = mount ("/dev/null", path, NULL, MS_BIND, NULL);
  if (rc < 0)
    return md_fail_directive (err, d, errno, path);
  return 0;
}

int
rootfs_apply (const struct plan *plan, const struct directive *d, struct md_error *err)
{
  switch (d->kind)
    {
    case D_CHDIR:
      if (chdir (d->args[0]) < 0)
        return md_fail_directive (err, d, errno, d->args[0]);
      return 0;
    case D_MOUNT:
      return do_mount (plan, d, err);
    case D_MKDIR:
      return do_mkdir (plan, d, err);
    case D_MKNOD:
    case D_SYMLINK:
      return do_node (plan, d, err);
    case D_PIVOT:
      return do_pivot (d, err);
    case D_READONLY:
      return do_readonly (d, err);
    case D_MASK:
      return do_mask (d, err);
    case D_LOOPBACK:
      return netdev_up (d, "lo", err);
    case D_IPADDR:
      return network_ipaddr (d, err);
    case D_ROUTE:
      return network_route (d, err);
    default:
      return 0;
    }
}
