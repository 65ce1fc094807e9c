#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "slirp.h"

#define MAX_SLIRP_WORDS 32
#define SLIRP_READY_MS 30000   /* it configures one interface: seconds only on a machine in trouble */
#define SLIRP_API_MS 10000

/* Writes the pid for the engine, which kills a slirp4netns left behind (by its pid and its working directory). */
static int
write_pidfile (const struct directive *d, const char *path, pid_t pid, struct md_error *err)
{
  char text[16];
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  int n = snprintf (text, sizeof text, "%d\n", (int) pid);
  if (fd < 0 || write_all (fd, text, (size_t) n) < 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      return md_fail_directive (err, d, saved, path);
    }
  close (fd);
  return 0;
}

static void
exec_slirp (const char *tool, char **argv, int dir_fd, int ready_w, int exit_r, const char *pidfile)
{
  char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
  /* Above 0-4 first, so neither the stdio nor the other pipe's dup2 can overwrite one. */
  int ready = fcntl (ready_w, F_DUPFD, 10), quit = fcntl (exit_r, F_DUPFD, 10);

  if (ready < 0 || quit < 0 || fchdir (dir_fd) < 0)
    _exit (126);
  usermode_child_stdio (pidfile);
  /* --ready-fd=3 --exit-fd=4; nothing else of the monitor's (the report pipe above all) may stay open in it. */
  if (dup2 (ready, 3) < 0 || dup2 (quit, 4) < 0 || syscall (SYS_close_range, 5U, ~0U, 0U) < 0)
    _exit (126);
  execve (tool, argv, envp);
  _exit (127);
}

/* 1: it wrote its ready byte; 0: it exited first (EOF); -1: no word in time (ETIMEDOUT) or another byte (EPROTO). */
static int
wait_ready (int ready_r)
{
  struct pollfd p = { .fd = ready_r, .events = POLLIN };
  char c;
  ssize_t n;
  int r;
  while ((r = poll (&p, 1, SLIRP_READY_MS)) < 0 && errno == EINTR)
    ;
  if (r == 0)
    return errno = ETIMEDOUT, -1;
  if (r < 0)
    return -1;
  while ((n = read (ready_r, &c, 1)) < 0 && errno == EINTR)
    ;
  if (n == 1 && c != '1')
    return errno = EPROTO, -1;
  return n == 1;
}

static bool
only_chars (const char *s, const char *allowed)
{
  return s[0] != '\0' && strspn (s, allowed) == strlen (s);
}

/* One add_hostfwd request on its own connection (slirp4netns answers one request per connection). */
static int
add_hostfwd (int dir_fd, const struct directive *d, struct md_error *err)
{
  struct sockaddr_un addr;
  struct pollfd p;
  char request[512], answer[1024];
  size_t got = 0;
  ssize_t n;
  int fd, len;
  const char *proto = d->args[0], *host_ip = d->args[1], *host_port = d->args[2], *guest_ip = d->args[3], *guest_port = d->args[4];

  /* The words go into JSON: only what an address or a port can be, so none can break out of its string. */
  if ((strcmp (proto, "tcp") != 0 && strcmp (proto, "udp") != 0) || !only_chars (host_ip, "0123456789.")
      || !only_chars (guest_ip, "0123456789.") || !only_chars (host_port, "0123456789") || !only_chars (guest_port, "0123456789")
      || strlen (host_port) > 5 || strlen (guest_port) > 5)
    return md_fail_directive (err, d, EINVAL, proto);
  len = snprintf (request, sizeof request,
                  "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"%s\",\"host_addr\":\"%s\",\"host_port\":%s,"
                  "\"guest_addr\":\"%s\",\"guest_port\":%s}}",
                  proto, host_ip, host_port, guest_ip, guest_port);
  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  /* sun_path holds 108 bytes, a run directory's path may be longer: through the directory's fd, as attach.c. */
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir_fd, SLIRP_API_SOCKET);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return md_fail_directive (err, d, errno, SLIRP_API_SOCKET);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0 || write_all (fd, request, (size_t) len) < 0
      || shutdown (fd, SHUT_WR) < 0)
    {
      int saved = errno;
      close (fd);
      return md_fail_directive (err, d, saved, SLIRP_API_SOCKET);
    }
  for (;;)
    {
      int r;
      p.fd = fd;
      p.events = POLLIN;
      while ((r = poll (&p, 1, SLIRP_API_MS)) < 0 && errno == EINTR)
        ;
      if (r <= 0)
        {
          close (fd);
          return md_fail_directive (err, d, r == 0 ? ETIMEDOUT : errno, SLIRP_API_SOCKET);
        }
      n = read (fd, answer + got, sizeof answer - 1 - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || (got += (size_t) n) == sizeof answer - 1)
        break;
    }
  close (fd);
  answer[got] = '\0';
  if (strstr (answer, "\"return\"") != NULL)
    return 0;
  /* Its error says only "slirp_add_hostfwd failed": a taken port is the usual cause, which the engine confirms. */
  answer[strcspn (answer, "\n")] = '\0';
  return md_fail_directive (err, d, EADDRINUSE, got > 0 ? answer : "no answer");
}

int
slirp_start (const struct plan *plan, pid_t init, struct slirp *s, struct md_error *err)
{
  const struct directive *d = plan->slirp;
  const char *tool, *pidfile, *ifname;
  char dir[4096], copy[4096], pidtext[16], *argv[MAX_SLIRP_WORDS + 8], *slash;
  int argc = 0, ready[2] = { -1, -1 }, quit[2] = { -1, -1 }, dir_fd, status, r;
  size_t i;
  pid_t child;

  s->proc.pid = s->proc.pidfd = s->exit_fd = -1;
  if (d == NULL)
    return 0;
  tool = d->args[0];
  pidfile = d->args[1];
  ifname = d->args[2];
  slash = strrchr (pidfile, '/');
  if (strlen (pidfile) >= sizeof dir || strlen (d->args[3]) >= sizeof copy || slash == NULL || slash == pidfile)
    return md_fail_directive (err, d, EINVAL, pidfile);
  memcpy (dir, pidfile, (size_t) (slash - pidfile));
  dir[slash - pidfile] = '\0';
  strcpy (copy, d->args[3]);
  snprintf (pidtext, sizeof pidtext, "%d", (int) init);
  argv[argc++] = (char *) tool;
  if (usermode_split_options (copy, argv, &argc, MAX_SLIRP_WORDS) < 0)
    return md_fail_directive (err, d, errno, tool);
  argv[argc++] = "--ready-fd=3";
  argv[argc++] = "--exit-fd=4";
  argv[argc++] = "--api-socket=" SLIRP_API_SOCKET;
  argv[argc++] = pidtext;
  argv[argc++] = (char *) ifname;
  argv[argc] = NULL;

  if ((dir_fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    return md_fail_directive (err, d, errno, dir);
  if (pipe2 (ready, O_CLOEXEC) < 0 || pipe2 (quit, O_CLOEXEC) < 0)
    {
      r = md_fail_directive (err, d, errno, tool);
      goto out;
    }
  child = fork ();
  if (child < 0)
    {
      r = md_fail_directive (err, d, errno, tool);
      goto out;
    }
  if (child == 0)
    exec_slirp (tool, argv, dir_fd, ready[1], quit[0], pidfile);
  close (ready[1]);
  close (quit[0]);
  ready[1] = quit[0] = -1;
  s->exit_fd = quit[1];
  quit[1] = -1;
  s->proc.pid = child;
  /* A child of ours: its pid cannot be reused before we reap it, and the pidfd then keeps it exact. */
  s->proc.pidfd = (int) syscall (SYS_pidfd_open, child, 0);
  if ((r = write_pidfile (d, pidfile, child, err)) < 0)
    goto out;
  r = wait_ready (ready[0]);
  if (r <= 0)
    {
      int why = errno;
      if (r < 0)
        slirp_stop (s);   /* still running, or may be: killed, not waited for */
      else
        {
          /* It exited before it was ready (127: not found; else its log says why). */
          while (waitpid (child, &status, 0) < 0 && errno == EINTR)
            ;
          why = WIFEXITED (status) && WEXITSTATUS (status) == 127 ? ENOENT : EIO;
          if (s->proc.pidfd >= 0)
            close (s->proc.pidfd);
          close (s->exit_fd);
          s->proc.pid = s->proc.pidfd = s->exit_fd = -1;
        }
      r = md_fail_directive (err, d, why, tool);
      goto out;
    }
  r = 0;
  for (i = 0; i < plan->ndirs && r == 0; i++)
    if (plan->dirs[i].kind == D_HOSTFWD)
      r = add_hostfwd (dir_fd, &plan->dirs[i], err);
out:
  for (i = 0; i < 2; i++)
    {
      if (ready[i] >= 0)
        close (ready[i]);
      if (quit[i] >= 0)
        close (quit[i]);
    }
  close (dir_fd);
  return r < 0 ? -1 : 0;
}

void
slirp_stop (struct slirp *s)
{
  /* Closing its exit fd would end it too, but later: SIGKILL and reap, so its host ports are free on return. */
  pasta_stop (&s->proc);
  if (s->exit_fd >= 0)
    close (s->exit_fd);
  s->exit_fd = -1;
}
