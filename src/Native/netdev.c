#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netdev.h"

int
netdev_up (const struct directive *d, const char *ifname, struct md_error *err)
{
  struct ifreq ifr;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return md_fail_directive (err, d, errno, ifname);
  memset (&ifr, 0, sizeof ifr);
  strncpy (ifr.ifr_name, ifname, IFNAMSIZ - 1);
  if (ioctl (fd, SIOCGIFFLAGS, &ifr) < 0)
    goto fail;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (fd, SIOCSIFFLAGS, &ifr) < 0)
    goto fail;
  close (fd);
  return 0;
fail:
  {
    int saved = errno;
    close (fd);
    return md_fail_directive (err, d, saved, ifname);
  }
}
