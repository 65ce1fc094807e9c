/* Container networking by raw rtnetlink (no libmnl: the helper stays static). See docs/launch-plan.md. */
#ifndef MD_NETWORK_H
#define MD_NETWORK_H

#include <sys/types.h>

#include "error.h"
#include "plan.h"

/* Monitor, before clone: bind (and listen) one host socket per `publish`, so a taken port fails the
   start and the port shows as bound (WSL's localhost relay forwards only bound ports). Kept open for
   the container's life; they never accept anything (a drop-all socket filter): DNAT takes the traffic. */
int network_reserve_ports (const struct plan *plan, struct md_error *err);

/* Monitor, after clone and before releasing the init: the `bridge` (made if missing) and the `veth`
   whose peer is created straight in PID's network namespace as eth0. */
int network_attach (const struct plan *plan, pid_t pid, struct md_error *err);

/* Init, in plan order: `ipaddr IFNAME CIDR` (address, link up) and `route GATEWAY` (default route). */
int network_ipaddr (const struct directive *d, struct md_error *err);
int network_route (const struct directive *d, struct md_error *err);

#endif
