/* vethfloor: the least a bridge network attach can cost, as a yardstick for bench/network.ps1.

     vethfloor BRIDGE HOSTVETH ADDR/PREFIX GATEWAY   a child unshares a network namespace; the parent
                                                     makes a veth with the peer created straight in it
                                                     as eth0 (mtu 1500, HOSTVETH enslaved to BRIDGE, up);
                                                     the child brings lo and eth0 up with ADDR and a
                                                     default route via GATEWAY, and exits
     vethfloor --none                                only the child and its network namespace

   The same rtnetlink requests mdhelper makes (src/Native/network.c), without the rest of a container.
   BRIDGE must exist. Exits 0 on success. Built by the bench with cc; no dependencies. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct req
{
  char buf[1024];
  struct nlmsghdr *h;
};

static void
die (const char *what, int err)
{
  fprintf (stderr, "vethfloor: %s: %s\n", what, strerror (err));
  _exit (1);
}

static void
begin (struct req *r, int type, int flags, const void *body, size_t len)
{
  memset (r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *) r->buf;
  r->h->nlmsg_len = NLMSG_LENGTH (len);
  r->h->nlmsg_type = (unsigned short) type;
  r->h->nlmsg_flags = (unsigned short) (NLM_F_REQUEST | NLM_F_ACK | flags);
  memcpy (NLMSG_DATA (r->h), body, len);
}

static struct rtattr *
attr (struct req *r, int type, const void *data, size_t len)
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
end_nest (struct req *r, struct rtattr *nest)
{
  nest->rta_len = (unsigned short) (r->buf + r->h->nlmsg_len - (char *) nest);
}

static void
talk (struct req *r, const char *what)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  char reply[4096];
  ssize_t n;
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0 || sendto (fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    die (what, errno);
  n = recv (fd, reply, sizeof reply, 0);
  if (n < 0)
    die (what, errno);
  struct nlmsghdr *h = (struct nlmsghdr *) reply;
  if (NLMSG_OK (h, (size_t) n) && h->nlmsg_type == NLMSG_ERROR && ((struct nlmsgerr *) NLMSG_DATA (h))->error)
    die (what, -((struct nlmsgerr *) NLMSG_DATA (h))->error);
  close (fd);
}

static void
set_up (const char *name)
{
  struct req r;
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int) if_nametoindex (name), .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
  if (ifi.ifi_index == 0)
    die (name, errno);
  begin (&r, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  talk (&r, "link up");
}

int
main (int argc, char **argv)
{
  int ready[2], go[2], status;
  char c = 0;
  bool none = argc == 2 && strcmp (argv[1], "--none") == 0;
  if (!none && argc != 5)
    {
      fprintf (stderr, "usage: vethfloor BRIDGE HOSTVETH ADDR/PREFIX GATEWAY | --none\n");
      return 2;
    }
  if (pipe (ready) < 0 || pipe (go) < 0)
    die ("pipe", errno);
  pid_t pid = fork ();
  if (pid < 0)
    die ("fork", errno);
  if (pid == 0)
    {
      if (unshare (CLONE_NEWNET) < 0)
        die ("unshare", errno);
      if (write (ready[1], &c, 1) != 1 || read (go[0], &c, 1) != 1)
        die ("sync", errno);
      if (none)
        _exit (0);
      /* lo and eth0 up, the address, the default route: mdhelper's loopback/ipaddr/route. */
      char cidr[32];
      snprintf (cidr, sizeof cidr, "%s", argv[3]);
      char *slash = strchr (cidr, '/');
      struct in_addr addr, gw;
      if (slash == NULL)
        die ("ADDR/PREFIX", EINVAL);
      *slash = '\0';
      if (inet_pton (AF_INET, cidr, &addr) != 1 || inet_pton (AF_INET, argv[4], &gw) != 1)
        die ("address", EINVAL);
      set_up ("lo");
      struct req r;
      struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char) atoi (slash + 1), .ifa_index = if_nametoindex ("eth0") };
      begin (&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
      attr (&r, IFA_LOCAL, &addr, sizeof addr);
      attr (&r, IFA_ADDRESS, &addr, sizeof addr);
      talk (&r, "address");
      set_up ("eth0");
      struct rtmsg rt = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
                          .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
      begin (&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
      attr (&r, RTA_GATEWAY, &gw, sizeof gw);
      talk (&r, "route");
      _exit (0);
    }
  if (read (ready[0], &c, 1) != 1)
    die ("sync", errno);
  if (!none)
    {
      struct req r;
      struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC }, peer = { .ifi_family = AF_UNSPEC };
      int master = (int) if_nametoindex (argv[1]);
      unsigned int nspid = (unsigned int) pid, mtu = 1500;
      if (master == 0)
        die (argv[1], errno);
      begin (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
      attr (&r, IFLA_IFNAME, argv[2], strlen (argv[2]) + 1);
      attr (&r, IFLA_MASTER, &master, sizeof master);
      attr (&r, IFLA_MTU, &mtu, sizeof mtu);
      struct rtattr *info = attr (&r, IFLA_LINKINFO, NULL, 0);
      attr (&r, IFLA_INFO_KIND, "veth", 4);
      struct rtattr *data = attr (&r, IFLA_INFO_DATA, NULL, 0);
      struct rtattr *p = attr (&r, VETH_INFO_PEER, &peer, sizeof peer);
      attr (&r, IFLA_IFNAME, "eth0", 5);
      attr (&r, IFLA_NET_NS_PID, &nspid, sizeof nspid);
      end_nest (&r, p);
      end_nest (&r, data);
      end_nest (&r, info);
      talk (&r, "veth");
      set_up (argv[2]);
    }
  if (write (go[1], &c, 1) != 1)
    die ("sync", errno);
  if (waitpid (pid, &status, 0) < 0)
    die ("waitpid", errno);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 1;
}
