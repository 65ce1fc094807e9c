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

#include "netdev.h"
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

static int
remove_existing (const char *path)
{
  if (unlink (path) < 0 && errno != ENOENT)
    return -1;
  return 0;
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

static int
do_mount (const struct directive *d, struct md_error *err)
{
  const char *src = null_if_empty (d->args[0]);
  const char *target = d->args[1];
  const char *fstype = null_if_empty (d->args[2]);
  const char *data = null_if_empty (d->args[4]);

  if (!(d->num[0] & MS_REMOUNT) && ensure_mount_target (src, target, d->num[0]) < 0)
    return md_fail_directive (err, d, errno, target);
  if (mount (src, target, fstype, d->num[0], data) < 0)
    return md_fail_directive (err, d, errno, target);
  return 0;
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
rootfs_apply (const struct directive *d, struct md_error *err)
{
  switch (d->kind)
    {
    case D_CHDIR:
      if (chdir (d->args[0]) < 0)
        return md_fail_directive (err, d, errno, d->args[0]);
      return 0;
    case D_MOUNT:
      return do_mount (d, err);
    case D_MKDIR:
      if (mkdir_p (d->args[0], (mode_t) d->num[0]) < 0)
        return md_fail_directive (err, d, errno, d->args[0]);
      return 0;
    case D_MKNOD:
      if (remove_existing (d->args[0]) < 0
          || mknod (d->args[0], (mode_t) d->num[0], makedev (d->num[1], d->num[2])) < 0)
        return md_fail_directive (err, d, errno, d->args[0]);
      return 0;
    case D_SYMLINK:
      if (remove_existing (d->args[1]) < 0 || symlink (d->args[0], d->args[1]) < 0)
        return md_fail_directive (err, d, errno, d->args[1]);
      return 0;
    case D_PIVOT:
      return do_pivot (d, err);
    case D_READONLY:
      return do_readonly (d, err);
    case D_MASK:
      return do_mask (d, err);
    case D_LOOPBACK:
      return netdev_up (d, "lo", err);
    default:
      return 0;
    }
}
