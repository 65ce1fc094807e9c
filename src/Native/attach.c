#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
attach_none (struct attach *a)
{
  int i;
  a->listen_fd = -1;
  a->path = NULL;
  a->holding = false;
  a->len = 0;
  for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
    a->clients[i] = -1, a->blocked[i] = false;
}

int
attach_open (struct attach *a, const char *path, unsigned long hold_ms)
{
  struct sockaddr_un addr;
  char dir[PATH_MAX], base[PATH_MAX];
  int dir_fd, fd, saved;
  mode_t old_umask;

  attach_none (a);
  if (strlen (path) >= sizeof dir)
    return errno = ENAMETOOLONG, -1;
  strcpy (dir, path);
  strcpy (base, path);
  /* sun_path holds 108 bytes, a run directory's path may be longer: bind through its fd. */
  dir_fd = open (dirname (dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0)
    return -1;
  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir_fd, basename (base))
      >= (int) sizeof addr.sun_path)
    return close (dir_fd), errno = ENAMETOOLONG, -1;
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return saved = errno, close (dir_fd), errno = saved, -1;
  unlinkat (dir_fd, basename (base), 0);
  old_umask = umask (0177);   /* the socket file is born 0600 */
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (fd, ATTACH_MAX_CLIENTS) < 0)
    {
      saved = errno;
      umask (old_umask);
      close (fd);
      close (dir_fd);
      return errno = saved, -1;
    }
  umask (old_umask);
  close (dir_fd);
  a->listen_fd = fd;
  a->path = path;
  a->holding = hold_ms > 0;
  a->hold_until_ms = now_ms () + (long long) hold_ms;
  return 0;
}

static bool
any_blocked (const struct attach *a)
{
  int i;
  for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->blocked[i])
      return true;
  return false;
}

bool
attach_paused (struct attach *a)
{
  return a->holding || any_blocked (a);
}

int
attach_poll_timeout (struct attach *a)
{
  long long left;
  if (!a->holding)
    return -1;
  left = a->hold_until_ms - now_ms ();
  if (left <= 0)
    {
      a->holding = false;   /* nobody came (the engine died?): the container must not stall */
      return -1;
    }
  return (int) left;
}

int
attach_pollfds (const struct attach *a, struct pollfd *pfd)
{
  int i, n = 0;
  if (a->listen_fd < 0)
    return 0;
  pfd[n].fd = a->listen_fd;
  pfd[n++].events = POLLIN;
  for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->blocked[i])
      {
        pfd[n].fd = a->clients[i];
        pfd[n++].events = POLLOUT;
      }
  return n;
}

static void
drop_client (struct attach *a, int i)
{
  close (a->clients[i]);
  a->clients[i] = -1;
  a->blocked[i] = false;
}

/* One message to client I: sent, or marked blocked (EAGAIN), or the client is gone. */
static void
send_to (struct attach *a, int i)
{
  ssize_t n;
  do
    n = send (a->clients[i], a->msg, a->len, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n >= 0)
    a->blocked[i] = false;
  else if (errno == EAGAIN || errno == EWOULDBLOCK)
    a->blocked[i] = true;
  else
    drop_client (a, i);
}

static void
accept_clients (struct attach *a)
{
  int fd, i;
  while ((fd = accept4 (a->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
    {
      for (i = 0; i < ATTACH_MAX_CLIENTS && a->clients[i] >= 0; i++)
        ;
      if (i == ATTACH_MAX_CLIENTS)
        {
          close (fd);
          continue;
        }
      a->clients[i] = fd;
      a->blocked[i] = false;
      a->holding = false;
    }
}

void
attach_handle (struct attach *a, const struct pollfd *pfd, int n)
{
  int i, k;
  if (n == 0)
    return;
  for (k = 1; k < n; k++)
    if (pfd[k].revents)
      for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
        if (a->blocked[i] && a->clients[i] == pfd[k].fd)
          send_to (a, i);
  if (pfd[0].revents & POLLIN)
    accept_clients (a);
}

void
attach_send (struct attach *a, int stream, size_t len)
{
  int i;
  a->msg[0] = (char) stream;
  a->len = 1 + len;
  for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->clients[i] >= 0)
      send_to (a, i);
}

void
attach_remove_socket (struct attach *a)
{
  if (a->listen_fd < 0)
    return;
  unlink (a->path);   /* any length: unlink(2) is not limited like sun_path */
  close (a->listen_fd);
  a->listen_fd = -1;
}

void
attach_close (struct attach *a)
{
  int i;
  attach_remove_socket (a);
  for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
    if (a->clients[i] >= 0)
      drop_client (a, i);
}
