/* Filesystem directives the init runs in plan order, between clone and execve. */
#ifndef MD_ROOTFS_H
#define MD_ROOTFS_H

#include "error.h"
#include "plan.h"

int rootfs_make_private (struct md_error *err);
/* Paths below the plan's pivot directory are resolved inside it (never following a link out). */
int rootfs_apply (const struct plan *plan, const struct directive *d, struct md_error *err);

#endif
