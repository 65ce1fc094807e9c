#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "terminal.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1

int
terminal_open (struct terminal *t, struct md_error *err)
{
  struct statfs fs;
  int unlock = 0;

  memset (t, 0, sizeof *t);
  /* The container's own devpts instance: its /dev/ptmx is a symlink to this node. */
  /* Non-blocking: the relays drain it until EAGAIN. */
  t->master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (t->master < 0)
    return md_fail (err, errno, "tty", "/dev/pts/ptmx");
  /* The container's root could have put anything there: accept only a devpts master. */
  if (fstatfs (t->master, &fs) < 0 || fs.f_type != DEVPTS_SUPER_MAGIC)
    {
      close (t->master);
      return md_fail (err, ENOTTY, "tty", "/dev/pts/ptmx is not on devpts");
    }
  if (ioctl (t->master, TIOCSPTLCK, &unlock) < 0)
    {
      int saved = errno;
      close (t->master);
      return md_fail (err, saved, "tty", "unlockpt");
    }
  return 0;
}

int
terminal_attach_child (const struct terminal *t, struct md_error *err)
{
  /* TIOCGPTPEER opens the peer through the master, never through a path the container controls. */
  int peer = ioctl (t->master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (peer < 0)
    return md_fail (err, errno, "tty", "TIOCGPTPEER");
  if (setsid () < 0 || ioctl (peer, TIOCSCTTY, 0) < 0)
    return md_fail (err, errno, "tty", "TIOCSCTTY");
  if (dup2 (peer, 0) < 0 || dup2 (peer, 1) < 0 || dup2 (peer, 2) < 0)
    return md_fail (err, errno, "tty", "dup2");
  if (peer > 2)
    close (peer);
  close (t->master);
  return 0;
}

int
terminal_send_master (int sock, const struct terminal *t, struct md_error *err)
{
  char byte = 'm', control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &t->master, sizeof (int));
  if (sendmsg (sock, &msg, MSG_NOSIGNAL) != 1)
    return md_fail (err, errno, "tty", "sendmsg");
  return 0;
}

int
terminal_recv_master (int sock)
{
  char byte, control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c;
  int fd;
  if (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC) != 1)
    return -1;
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN (sizeof (int)))
    {
      errno = EPROTO;
      return -1;
    }
  memcpy (&fd, CMSG_DATA (c), sizeof (int));
  return fd;
}

void
terminal_sync_size (const struct terminal *t)
{
  struct winsize ws;
  if (ioctl (0, TIOCGWINSZ, &ws) == 0 || ioctl (1, TIOCGWINSZ, &ws) == 0)
    ioctl (t->master, TIOCSWINSZ, &ws);
}

void
terminal_take_caller (struct terminal *t)
{
  struct termios raw;
  terminal_sync_size (t);
  if (!isatty (0) || tcgetattr (0, &t->saved) < 0)
    return;
  raw = t->saved;
  cfmakeraw (&raw);
  if (tcsetattr (0, TCSADRAIN, &raw) == 0)
    t->raw = true;
}

void
terminal_restore_caller (struct terminal *t)
{
  if (t->raw)
    tcsetattr (0, TCSADRAIN, &t->saved);
  t->raw = false;
}

/* 1: copied, 0: EOF or EIO (the peer is closed), -1: nothing available. */
static int
copy_some (int from, int to, const struct terminal *tee)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return -1;
  if (n <= 0)
    return 0;
  write_all (to, buf, (size_t) n);
  if (tee != NULL && tee->tee != NULL)
    relay_feed (tee->tee, tee->log, buf, (size_t) n);
  return 1;
}

int
terminal_relay (struct terminal *t, pid_t child, int sig_fd)
{
  int status = 0, stdin_open = 1, master_open = 1;

  for (;;)
    {
      struct pollfd pfd[3] = {
        { .fd = sig_fd, .events = POLLIN },
        { .fd = master_open ? t->master : -1, .events = POLLIN },
        { .fd = stdin_open ? 0 : -1, .events = POLLIN },
      };
      struct signalfd_siginfo si;

      if (poll (pfd, 3, -1) < 0)
        continue;
      if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
        while ((master_open = copy_some (t->master, 1, t)) > 0)
          ;
      master_open = master_open != 0;
      if (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))
        stdin_open = copy_some (0, t->master, NULL) != 0;
      if (!(pfd[0].revents & POLLIN))
        continue;
      while (read (sig_fd, &si, sizeof si) == sizeof si)
        {
          if (si.ssi_signo == SIGWINCH)
            terminal_sync_size (t);
          else if (si.ssi_signo != SIGCHLD)
            kill (-child, SIGHUP); /* the caller's terminal or session went away */
        }
      if (waitpid (child, &status, WNOHANG) == child)
        break;
    }
  /* What the command wrote just before it exited is still in the pty. */
  while (copy_some (t->master, 1, t) > 0)
    ;
  close (t->master);
  return status;
}
