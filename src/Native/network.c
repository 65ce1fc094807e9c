#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "network.h"

struct nlreq
{
  char buf[1024];
  struct nlmsghdr *h;
};

static struct nlmsghdr *
nl_begin (struct nlreq *r, int type, int flags, const void *body, size_t len)
{
  memset (r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *) r->buf;
  r->h->nlmsg_len = NLMSG_LENGTH (len);
  r->h->nlmsg_type = (unsigned short) type;
  r->h->nlmsg_flags = (unsigned short) (NLM_F_REQUEST | NLM_F_ACK | flags);
  memcpy (NLMSG_DATA (r->h), body, len);
  return r->h;
}

static struct rtattr *
nl_attr (struct nlreq *r, int type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *) (r->buf + NLMSG_ALIGN (r->h->nlmsg_len));
  a->rta_type = (unsigned short) type;
  a->rta_len = (unsigned short) RTA_LENGTH (len);
  if (len)
    memcpy (RTA_DATA (a), data, len);
  r->h->nlmsg_len = NLMSG_ALIGN (r->h->nlmsg_len) + RTA_ALIGN (a->rta_len);
  return a;
}

static void
nl_end_nest (struct nlreq *r, struct rtattr *nest)
{
  nest->rta_len = (unsigned short) (r->buf + r->h->nlmsg_len - (char *) nest);
}

/* Sends the request and returns the kernel's answer as 0 or -errno. */
static int
nl_talk (struct nlreq *r)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  char reply[4096];
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), rc = -EIO;
  ssize_t n;
  if (fd < 0)
    return -errno;
  if (sendto (fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    {
      rc = -errno;
      close (fd);
      return rc;
    }
  do
    n = recv (fd, reply, sizeof reply, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    rc = -errno;
  else
    {
      struct nlmsghdr *h = (struct nlmsghdr *) reply;
      if (NLMSG_OK (h, (size_t) n) && h->nlmsg_type == NLMSG_ERROR)
        rc = ((struct nlmsgerr *) NLMSG_DATA (h))->error;
    }
  close (fd);
  return rc;
}

static int
link_set_up (int ifindex)
{
  struct nlreq r;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
  nl_begin (&r, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  return nl_talk (&r);
}

static int
link_delete (const char *name)
{
  struct nlreq r;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  nl_begin (&r, RTM_DELLINK, 0, &ifi, sizeof ifi);
  nl_attr (&r, IFLA_IFNAME, name, strlen (name) + 1);
  return nl_talk (&r);
}

/* "A.B.C.D/N" */
static int
parse_cidr (const char *cidr, struct in_addr *addr, unsigned char *prefix)
{
  char copy[32];
  char *slash, *end;
  long n;
  if (strlen (cidr) >= sizeof copy)
    return -1;
  strcpy (copy, cidr);
  slash = strchr (copy, '/');
  if (slash == NULL)
    return -1;
  *slash = '\0';
  n = strtol (slash + 1, &end, 10);
  if (*end != '\0' || n < 1 || n > 32 || inet_pton (AF_INET, copy, addr) != 1)
    return -1;
  *prefix = (unsigned char) n;
  return 0;
}

static int
add_address (int ifindex, struct in_addr addr, unsigned char prefix)
{
  struct nlreq r;
  struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = prefix, .ifa_index = (unsigned) ifindex };
  nl_begin (&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
  nl_attr (&r, IFA_LOCAL, &addr, sizeof addr);
  nl_attr (&r, IFA_ADDRESS, &addr, sizeof addr);
  return nl_talk (&r);
}

static int
write_sysctl (const char *path, const char *value)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC), rc = 0;
  if (fd < 0)
    return -errno;
  if (write_all (fd, value, strlen (value)) < 0)
    rc = -errno;
  close (fd);
  return rc;
}

/* `bridge NAME CIDR`: made if missing, with the gateway address, up. Another start may be making it
   at the same moment: EEXIST is success. route_localnet lets DNAT from the host's 127.0.0.1 leave by it. */
static int
ensure_bridge (const struct directive *d, struct md_error *err)
{
  const char *name = d->args[0];
  struct in_addr addr;
  unsigned char prefix;
  struct nlreq r;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct rtattr *info;
  char path[128];
  int rc, index;

  if (parse_cidr (d->args[1], &addr, &prefix) < 0)
    return md_fail_directive (err, d, EINVAL, d->args[1]);
  nl_begin (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  nl_attr (&r, IFLA_IFNAME, name, strlen (name) + 1);
  info = nl_attr (&r, IFLA_LINKINFO, NULL, 0);
  nl_attr (&r, IFLA_INFO_KIND, "bridge", 6);
  nl_end_nest (&r, info);
  rc = nl_talk (&r);
  if (rc < 0 && rc != -EEXIST)
    return md_fail_directive (err, d, -rc, name);
  index = (int) if_nametoindex (name);
  if (index == 0)
    return md_fail_directive (err, d, errno, name);
  rc = add_address (index, addr, prefix);
  if (rc < 0 && rc != -EEXIST)
    return md_fail_directive (err, d, -rc, d->args[1]);
  if ((rc = link_set_up (index)) < 0)
    return md_fail_directive (err, d, -rc, name);
  snprintf (path, sizeof path, "/proc/sys/net/ipv4/conf/%s/route_localnet", name);
  if ((rc = write_sysctl (path, "1")) < 0)
    return md_fail_directive (err, d, -rc, path);
  return 0;
}

static int
create_veth (const char *host, int master, pid_t pid)
{
  struct nlreq r;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC }, peer = { .ifi_family = AF_UNSPEC };
  struct rtattr *info, *data, *peer_attr;
  unsigned int nspid = (unsigned int) pid, mtu = 1500;

  nl_begin (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  nl_attr (&r, IFLA_IFNAME, host, strlen (host) + 1);
  nl_attr (&r, IFLA_MASTER, &master, sizeof master);
  nl_attr (&r, IFLA_MTU, &mtu, sizeof mtu);
  info = nl_attr (&r, IFLA_LINKINFO, NULL, 0);
  nl_attr (&r, IFLA_INFO_KIND, "veth", 4);
  data = nl_attr (&r, IFLA_INFO_DATA, NULL, 0);
  peer_attr = nl_attr (&r, VETH_INFO_PEER, &peer, sizeof peer);
  nl_attr (&r, IFLA_IFNAME, "eth0", 5);
  nl_attr (&r, IFLA_NET_NS_PID, &nspid, sizeof nspid);
  nl_end_nest (&r, peer_attr);
  nl_end_nest (&r, data);
  nl_end_nest (&r, info);
  return nl_talk (&r);
}

/* `veth HOSTNAME BRIDGE`: HOSTNAME enslaved to BRIDGE and up; the peer is born in the container as eth0.
   A HOSTNAME left by a crash of an earlier run is replaced. */
static int
attach_veth (const struct directive *d, pid_t pid, struct md_error *err)
{
  const char *host = d->args[0];
  int master = (int) if_nametoindex (d->args[1]), rc, index;
  if (master == 0)
    return md_fail_directive (err, d, errno, d->args[1]);
  rc = create_veth (host, master, pid);
  if (rc == -EEXIST && link_delete (host) == 0)
    rc = create_veth (host, master, pid);
  if (rc < 0)
    return md_fail_directive (err, d, -rc, host);
  index = (int) if_nametoindex (host);
  if (index == 0)
    return md_fail_directive (err, d, errno, host);
  if ((rc = link_set_up (index)) < 0)
    return md_fail_directive (err, d, -rc, host);
  return 0;
}

int
network_attach (const struct plan *plan, pid_t pid, struct md_error *err)
{
  size_t i;
  for (i = 0; i < plan->ndirs; i++)
    {
      const struct directive *d = &plan->dirs[i];
      if (d->kind == D_BRIDGE && ensure_bridge (d, err) < 0)
        return -1;
      if (d->kind == D_VETH && attach_veth (d, pid, err) < 0)
        return -1;
    }
  return 0;
}

/* `publish PROTO HOSTIP PORT` */
static int
reserve_port (const struct directive *d, struct md_error *err)
{
  /* Every packet is dropped before it reaches the socket (classic BPF "ret #0"). */
  static struct sock_filter drop[] = { BPF_STMT (BPF_RET | BPF_K, 0) };
  struct sock_fprog prog = { .len = 1, .filter = drop };
  struct sockaddr_in sa = { .sin_family = AF_INET };
  bool tcp = strcmp (d->args[0], "tcp") == 0;
  char what[64];
  int fd, one = 1;
  unsigned long port = strtoul (d->args[2], NULL, 10);

  snprintf (what, sizeof what, "%s:%s:%s", d->args[0], d->args[1], d->args[2]);
  if ((!tcp && strcmp (d->args[0], "udp") != 0) || port == 0 || port > 65535
      || inet_pton (AF_INET, d->args[1], &sa.sin_addr) != 1)
    return md_fail_directive (err, d, EINVAL, what);
  sa.sin_port = htons ((unsigned short) port);
  fd = socket (AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return md_fail_directive (err, d, errno, what);
  if ((tcp && setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
      || setsockopt (fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0
      || bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0 || (tcp && listen (fd, 1) < 0))
    {
      int saved = errno;
      close (fd);
      return md_fail_directive (err, d, saved, what);
    }
  return 0;   /* the fd stays open as long as the monitor lives */
}

int
network_reserve_ports (const struct plan *plan, struct md_error *err)
{
  size_t i;
  for (i = 0; i < plan->ndirs; i++)
    if (plan->dirs[i].kind == D_PUBLISH && reserve_port (&plan->dirs[i], err) < 0)
      return -1;
  return 0;
}

int
network_ipaddr (const struct directive *d, struct md_error *err)
{
  struct in_addr addr;
  unsigned char prefix;
  int index = (int) if_nametoindex (d->args[0]), rc;
  if (index == 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  if (parse_cidr (d->args[1], &addr, &prefix) < 0)
    return md_fail_directive (err, d, EINVAL, d->args[1]);
  if ((rc = add_address (index, addr, prefix)) < 0)
    return md_fail_directive (err, d, -rc, d->args[1]);
  if ((rc = link_set_up (index)) < 0)
    return md_fail_directive (err, d, -rc, d->args[0]);
  return 0;
}

int
network_route (const struct directive *d, struct md_error *err)
{
  struct nlreq r;
  struct in_addr gw;
  struct rtmsg rt = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
                      .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
  int rc;
  if (inet_pton (AF_INET, d->args[0], &gw) != 1)
    return md_fail_directive (err, d, EINVAL, d->args[0]);
  nl_begin (&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
  nl_attr (&r, RTA_GATEWAY, &gw, sizeof gw);
  if ((rc = nl_talk (&r)) < 0)
    return md_fail_directive (err, d, -rc, d->args[0]);
  return 0;
}
