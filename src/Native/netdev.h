/* Network devices inside the container's network namespace. */
#ifndef MD_NETDEV_H
#define MD_NETDEV_H

#include "error.h"
#include "plan.h"

int netdev_up (const struct directive *d, const char *ifname, struct md_error *err);

#endif
