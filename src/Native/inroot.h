/* Path resolution inside a root directory that may be hostile (the container's rootfs before pivot):
   symlinks and ".." cannot leave it (openat2 RESOLVE_IN_ROOT), and what is made is made one component
   at a time below fds that stay inside. The same functions take a plain path (ROOTFD -1), resolved
   as the kernel resolves any path, so the init has one way to make and open a path either way. */
#ifndef MD_INROOT_H
#define MD_INROOT_H

#include <stddef.h>
#include <sys/types.h>

struct in_root
{
  int rootfd;           /* -1: a plain path */
  const char *rel;      /* the path relative to the root, or the plain path */
};

/* PATH below ROOT ("ROOT/..."): *R is ROOT opened and the rest of PATH; anything else (or ROOT NULL)
   is a plain path. -1 with errno when ROOT cannot be opened. */
int inroot_locate (const char *root, const char *path, struct in_root *r);
void inroot_release (struct in_root *r);

/* An O_PATH fd of PATH (plus FLAGS, e.g. O_DIRECTORY, O_NOFOLLOW), inside ROOTFD unless it is -1. */
int inroot_open (int rootfd, const char *path, int flags);

/* mkdir -p; the last component gets MODE, the parents 0755. What PATH names must be a directory
   (ENOTDIR otherwise; an existing symlink is followed, inside the root). */
int inroot_mkdir_p (int rootfd, const char *path, mode_t mode);

/* PATH's parent directory (made if missing) as an O_PATH fd; *NAME points at PATH's last component
   (in BUF, a copy of PATH of SIZE bytes at most). */
int inroot_open_parent (int rootfd, const char *path, char *buf, size_t size, const char **name);

#endif
