#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"

/* One message at a time; outside struct monitor so the monitor's memset does not make it resident. */
static char message[1 + ATTACH_CHUNK];

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
  a->held = NULL;
  a->held_len = a->held_sent = 0;
  a->len = 0;
  a->msg = message;
  for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
    a->clients[i] = -1, a->blocked[i] = false;
}

int
attach_open (struct attach *a, char *path, unsigned long hold_ms)
{
  struct sockaddr_un addr;
  char *slash = strrchr (path, '/');
  const char *name;
  int dir_fd, fd, saved;
  mode_t old_umask;

  attach_none (a);
  if (slash == NULL || slash[1] == '\0')
    return errno = EINVAL, -1;
  name = slash + 1;
  /* sun_path holds 108 bytes, a run directory's path may be longer: bind through its fd. */
  *slash = '\0';
  dir_fd = open (slash == path ? "/" : path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  *slash = '/';
  if (dir_fd < 0)
    return -1;
  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir_fd, name)
      >= (int) sizeof addr.sun_path)
    return close (dir_fd), errno = ENAMETOOLONG, -1;
  fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return saved = errno, close (dir_fd), errno = saved, -1;
  unlinkat (dir_fd, name, 0);
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
  a->hold_until_ms = now_ms () + (long long) hold_ms;
  /* Mapped, not malloc'd: once the first client has it, it goes back to the kernel (the RSS budget). */
  a->held = hold_ms > 0 ? mmap (NULL, ATTACH_HOLD_MAX, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
  if (a->held == MAP_FAILED)
    a->held = NULL;
  a->holding = a->held != NULL;
  return 0;
}

static void
forget_held (struct attach *a)
{
  if (a->held != NULL)
    munmap (a->held, ATTACH_HOLD_MAX);
  a->held = NULL;
  a->held_len = a->held_sent = 0;
  a->holding = false;
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

/* The first client takes what was held before anything new; 0 once it all went (or the client did). */
static bool
flushing (const struct attach *a)
{
  return !a->holding && a->held != NULL;
}

size_t
attach_room (struct attach *a)
{
  size_t room;
  if (any_blocked (a) || flushing (a))
    return 0;
  if (!a->holding)
    return ATTACH_CHUNK;
  room = ATTACH_HOLD_MAX - a->held_len;
  room = room > 3 ? room - 3 : 0;
  return room < ATTACH_CHUNK ? room : ATTACH_CHUNK;
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
      forget_held (a);   /* nobody came (the engine died?): the container must not stall; it is all in the log */
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
    if (a->blocked[i] || (flushing (a) && a->clients[i] >= 0))
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

/* Sends the held messages to client I (the first) until it would block. */
static void
flush_held (struct attach *a, int i)
{
  while (a->held != NULL && a->held_sent < a->held_len && a->clients[i] >= 0)
    {
      size_t len = (size_t) (unsigned char) a->held[a->held_sent] << 8 | (unsigned char) a->held[a->held_sent + 1];
      ssize_t n;
      do
        n = send (a->clients[i], a->held + a->held_sent + 2, len, MSG_NOSIGNAL | MSG_DONTWAIT);
      while (n < 0 && errno == EINTR);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (n < 0)
        drop_client (a, i);
      else
        a->held_sent += 2 + len;
    }
  forget_held (a);
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
      if (a->holding)
        {
          a->holding = false;
          flush_held (a, i);
        }
    }
}

void
attach_handle (struct attach *a, const struct pollfd *pfd, int n)
{
  int i, k;
  if (n == 0)
    return;
  for (k = 1; k < n; k++)
    for (i = 0; i < ATTACH_MAX_CLIENTS; i++)
      {
        if (pfd[k].revents == 0 || a->clients[i] != pfd[k].fd)
          continue;
        if (flushing (a))
          flush_held (a, i);
        else if (a->blocked[i])
          send_to (a, i);
      }
  if (pfd[0].revents & POLLIN)
    accept_clients (a);
}

void
attach_send (struct attach *a, int stream, size_t len)
{
  int i;
  a->msg[0] = (char) stream;
  a->len = 1 + len;
  if (a->holding)
    {
      /* attach_room left space for it */
      a->held[a->held_len] = (char) (a->len >> 8);
      a->held[a->held_len + 1] = (char) (a->len & 0xff);
      memcpy (a->held + a->held_len + 2, a->msg, a->len);
      a->held_len += 2 + a->len;
      return;
    }
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
  forget_held (a);
}
