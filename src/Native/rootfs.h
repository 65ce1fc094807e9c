/* The filesystem steps the init runs in plan order, between clone and execve (chdir mount mkdir
   mknod symlink pivot readonly mask); path resolution inside the rootfs is inroot.c. */
#ifndef MD_ROOTFS_H
#define MD_ROOTFS_H

#include "error.h"
#include "plan.h"

int rootfs_make_private (struct md_error *err);
/* One filesystem step; paths below the plan's pivot directory are resolved inside it (never
   following a link out). */
int rootfs_apply (const struct plan *plan, const struct directive *d, struct md_error *err);

#endif
