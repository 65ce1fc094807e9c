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
#include <stdbool.h>
#include <stdio.h>

#include "inroot.h"
#include "rootfs.h"

int
rootfs_make_private (struct md_error *err)
{
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return md_fail (err, errno, "rprivate", "/");
  return 0;
}

/* Paths below the pivot directory belong to the container's rootfs, which may be hostile: they
   are resolved as if it were "/" (inroot.c: symlinks and ".." cannot leave it) and mounted through
   /proc/self/fd/N, so no step of the plan can touch a host path an image points at. */
static bool pivoted;

static int
locate (const struct plan *plan, const char *path, struct in_root *r)
{
  return inroot_locate (pivoted ? NULL : plan->pivot, path, r);
}

static const char *
null_if_empty (const char *s)
{
  return *s ? s : NULL;
}

/* The mount target as an O_PATH fd, made when missing: a bind mount of a file needs a file to land
   on, anything else lands on a directory. */
static int
open_mount_target (int rootfd, const char *path, const char *src, unsigned long flags)
{
  struct stat st;
  char buf[PATH_MAX];
  const char *name;
  int fd = inroot_open (rootfd, path, 0), parent;
  if (fd >= 0 || errno != ENOENT || (flags & MS_REMOUNT))
    return fd;
  if (!((flags & MS_BIND) && src && stat (src, &st) == 0 && !S_ISDIR (st.st_mode)))
    return inroot_mkdir_p (rootfd, path, 0755) < 0 ? -1 : inroot_open (rootfd, path, 0);
  parent = inroot_open_parent (rootfd, path, buf, sizeof buf, &name);
  if (parent < 0)
    return -1;
  fd = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  close (parent);
  if (fd < 0)
    return -1;
  close (fd);
  return inroot_open (rootfd, path, O_NOFOLLOW);
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
  *fd = inroot_open (r.rootfd, r.rel, 0);
  inroot_release (&r);
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
  int fd = -1, srcfd, rc = 0;

  if (bind_source (plan, src, d->num[0], &srcfd, srcpath, sizeof srcpath) < 0)
    return md_fail_directive (err, d, errno, src);
  if (srcfd >= 0)
    src = srcpath;
  if (locate (plan, target, &r) < 0)
    rc = errno;
  else if ((fd = open_mount_target (r.rootfd, r.rel, src, d->num[0])) < 0)
    rc = errno;
  /* A path below the root that resolves to the root itself (/proc -> /) would mount over the
     container's whole filesystem; refuse it as the path it is, not as a later step's. */
  else if (r.rootfd >= 0 && *r.rel && same_inode (fd, r.rootfd))
    rc = ELOOP;
  else
    {
      /* A plain path is mounted as the plan names it; one inside the root through the fd. */
      const char *at = target;
      if (r.rootfd >= 0)
        {
          snprintf (fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
          at = fdpath;
        }
      if (mount (src, at, fstype, remount_flags (d->num[0], at), data) < 0)
        rc = errno;
    }
  if (fd >= 0)
    close (fd);
  inroot_release (&r);
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
  rc = inroot_mkdir_p (r.rootfd, r.rel, (mode_t) d->num[0]) < 0 ? errno : 0;
  inroot_release (&r);
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
  if (r.rootfd >= 0 && (dirfd = inroot_open_parent (r.rootfd, r.rel, buf, sizeof buf, &name)) < 0)
    rc = errno;
  inroot_release (&r);
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
    default:
      return md_fail_directive (err, d, EINVAL, "not a filesystem step");
    }
}
