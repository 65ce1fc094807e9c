/* Filesystem directives the init runs in plan order, between clone and execve. */
#ifndef MD_ROOTFS_H
#define MD_ROOTFS_H

#include "error.h"
#include "plan.h"

int rootfs_make_private (struct md_error *err);
int rootfs_apply (const struct directive *d, struct md_error *err);

#endif
