#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"
#include "cgjoin.h"
#include "fuseoverlay.h"
#include "init.h"
#include "monitor.h"
#include "network.h"
#include "pasta.h"
#include "relay.h"
#include "slirp.h"
#include "seccomp.h"
#include "status.h"
#include "terminal.h"
#include "userns.h"

#define INIT_STACK_SIZE (1u << 20)
#define CLONE_NAMESPACES (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

struct monitor
{
  const struct plan *plan;
  pid_t init_pid;
  struct relay_log log;
  struct attach attach;
  int sync_w, error_r;
  int tty_sock;     /* `tty`: our end of the socket the init sends its pty master on */
  int sig_fd;       /* SIGCHLD (and with `tty` the terminal's signals) */
  int out_r, err_r; /* the init's stdout and stderr, -1 without a log or with `tty` */
  int master;       /* `tty`: the init's pty master */
  int null;         /* /dev/null, for our fds 0-2 once the report is sent */
  bool cloned_into_cgroup;  /* v2: the init was born in its cgroup (cgjoin.c) */
  struct init_args init;
  struct pasta pasta; /* `pasta`: the user-mode network's process, killed when the init is gone */
  struct slirp slirp; /* `slirp4netns`: the same, when pasta is not the one */
  struct pasta fuse;  /* `fuseoverlay`: the rootfs's FUSE daemon, held and stopped like pasta */
};

int monitor_report_fd = 1;

void
monitor_report_error (const struct md_error *err)
{
  md_error_report (monitor_report_fd, err);
}

static int
report_ok (pid_t init_pid)
{
  char line[64];
  int len = snprintf (line, sizeof line, "ok %d %d\n", (int) getpid (), (int) init_pid);
  return write_all (monitor_report_fd, line, (size_t) len);
}

/* The caller reads the report until EOF: let go of its pipes (and our inherited stderr). With
   `tty`, fds 0-1 are the caller's terminal, which we relay: only the report fd goes. NULL is
   opened before the report; should a dup2 fail, closing the fd still lets go of the pipe. */
static void
detach_stdio (int null, bool tty)
{
  int fd;
  for (fd = tty ? 2 : 0; fd <= 2; fd++)
    if (dup2 (null, fd) < 0)
      close (fd);
  if (null > 2)
    close (null);
}

/* After the report nobody reads our errors: the log (if any) gets them, as the container's stderr. */
static void
log_error (struct monitor *m, const struct md_error *err)
{
  struct relay_stream s;
  char line[sizeof err->arg + 64];
  size_t len = md_error_format (err, line, sizeof line);
  if (m->log.fd >= 0 && relay_init (&s, -1, "stderr") == 0)
    {
      relay_feed (&s, &m->log, "mdhelper: ", 10);
      relay_feed (&s, &m->log, line, len);
      relay_close (&s, &m->log);
    }
}

static int
open_log (struct monitor *m, struct md_error *err)
{
  const struct directive *d = m->plan->log;
  m->log.fd = -1;
  if (d == NULL)
    return 0;
  if (relay_log_open (&m->log, d->args[0], m->plan->logmax ? m->plan->logmax->num[0] : 0) < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  return 0;
}

static int
open_attach (struct monitor *m, struct md_error *err)
{
  const struct directive *d = m->plan->attach;
  attach_none (&m->attach);
  /* With `tty` the caller's terminal is the attachment; without a log there is no relay. */
  if (d == NULL || m->plan->tty || m->log.fd < 0)
    return 0;
  if (attach_open (&m->attach, d->args[0], m->plan->attachhold ? m->plan->attachhold->num[0] : 0) < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  return 0;
}

static int
make_pipes (struct monitor *m, int *out_r, int *err_r, struct md_error *err)
{
  int sync_p[2], error_p[2], out_p[2], errout_p[2];
  if (pipe2 (sync_p, O_CLOEXEC) < 0 || pipe2 (error_p, O_CLOEXEC) < 0)
    return md_fail (err, errno, "pipe", "sync");
  m->sync_w = sync_p[1];
  m->error_r = error_p[0];
  m->init.sync_fd = sync_p[0];
  m->init.error_fd = error_p[1];
  if (m->plan->tty)
    {
      int sock[2];
      if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0)
        return md_fail (err, errno, "pipe", "tty");
      m->tty_sock = sock[0];
      m->init.tty_fd = sock[1];
      m->init.has_winsize = ioctl (0, TIOCGWINSZ, &m->init.winsize) == 0 || ioctl (1, TIOCGWINSZ, &m->init.winsize) == 0;
    }
  if (m->log.fd < 0 || m->plan->tty)
    {
      /* No log: the container's output goes nowhere, without a relay (with `tty` the init
         replaces its stdio with the pty before anything runs). */
      int null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (null < 0)
        return md_fail (err, errno, "pipe", "/dev/null");
      m->init.stdout_fd = m->init.stderr_fd = null;
      *out_r = *err_r = -1;
      return 0;
    }
  if (pipe2 (out_p, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2 (errout_p, O_CLOEXEC | O_NONBLOCK) < 0)
    return md_fail (err, errno, "pipe", "stdout");
  /* Only our read ends are non-blocking; the container's write ends must block. */
  if (fcntl (out_p[1], F_SETFL, 0) < 0 || fcntl (errout_p[1], F_SETFL, 0) < 0)
    return md_fail (err, errno, "pipe", "F_SETFL");
  *out_r = out_p[0];
  *err_r = errout_p[0];
  m->init.stdout_fd = out_p[1];
  m->init.stderr_fd = errout_p[1];
  return 0;
}

static int
clone_init (struct monitor *m, struct md_error *err)
{
  char flags[32];
  int cgroup_fd;
  unsigned namespaces = CLONE_NAMESPACES & ~(m->plan->hostnet ? (unsigned) CLONE_NEWNET : 0u);
  char *stack = mmap (NULL, INIT_STACK_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (m->plan->userns)
    namespaces |= CLONE_NEWUSER;
  snprintf (flags, sizeof flags, "0x%x", namespaces);
  if (stack == MAP_FAILED)
    return md_fail (err, errno, "clone", flags);
  /* The maps are written to /proc/INIT/uid_map and gid_map by us (or newuidmap, as us): those files are ours only
     while the init is dumpable, which it inherits. Undone once the maps are in (monitor_launch). */
  if (m->plan->userns && prctl (PR_SET_DUMPABLE, 1) < 0)
    return md_fail (err, errno, "prctl", "PR_SET_DUMPABLE");
  /* v2 without a user namespace: born in its cgroup, no move (and no grace period) after. */
  if (!m->plan->userns && (cgroup_fd = cgroup_open_v2_dir (m->plan)) >= 0)
    {
      m->init_pid = cgroup_clone_into (namespaces, cgroup_fd, init_main, &m->init);
      m->cloned_into_cgroup = m->init_pid > 0;
      close (cgroup_fd);
    }
  if (!m->cloned_into_cgroup)
    m->init_pid = clone (init_main, stack + INIT_STACK_SIZE, (int) namespaces | SIGCHLD, &m->init);
  if (m->init_pid < 0)
    md_fail (err, errno, "clone", flags);
  /* The init has its own copy (no CLONE_VM): a failed munmap would only keep address space. */
  munmap (stack, INIT_STACK_SIZE);
  close (m->init.sync_fd);
  close (m->init.error_fd);
  if (m->plan->tty)
    close (m->init.tty_fd);
  if (m->init.stdout_fd != m->init.stderr_fd)
    close (m->init.stderr_fd);
  close (m->init.stdout_fd);
  return m->init_pid < 0 ? -1 : 0;
}

int
monitor_join_cgroups (const struct plan *plan, pid_t pid, struct md_error *err)
{
  char text[16];
  size_t i;
  snprintf (text, sizeof text, "%d", (int) pid);
  for (i = 0; i < plan->ncgroups; i++)
    if (md_write_file (plan->cgroups[i], plan->cgroups[i]->args[0], text, err) < 0)
      return -1;
  return 0;
}

static int
release_init (struct monitor *m, struct md_error *err)
{
  int rc;
  int sent = write_all (m->sync_w, "r", 1), saved = errno;
  close (m->sync_w);
  m->sync_w = -1;
  if (sent < 0)
    return md_fail (err, saved, "sync", "init");
  rc = md_error_recv (m->error_r, err);
  close (m->error_r);
  if (rc < 0)
    return md_fail (err, errno, "sync", "error pipe");
  return rc == 0 ? 0 : -1;
}

static void
kill_and_reap_init (struct monitor *m)
{
  /* Not released yet: the init sees EOF on its sync pipe and stops waiting. */
  if (m->sync_w >= 0)
    close (m->sync_w);
  m->sync_w = -1;
  kill (m->init_pid, SIGKILL);
  while (waitpid (m->init_pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Reads one chunk of stream I into the attach message: logs it and sends it to the attached clients.
   A stream ends at EOF, or, once the init is gone, when nothing more is there. */
static void
relay_chunk (struct monitor *m, struct relay_stream *streams, int i, int init_done)
{
  struct relay_stream *s = &streams[i];
  ssize_t n;
  do
    n = read (s->fd, m->attach.msg + 1, attach_room (&m->attach));
  while (n < 0 && errno == EINTR);
  if (n > 0)
    {
      relay_write (s, &m->log, m->attach.msg + 1, (size_t) n);
      attach_send (&m->attach, i == 0 ? ATTACH_STDOUT : ATTACH_STDERR, (size_t) n);
    }
  else if (n == 0 || init_done || (errno != EAGAIN && errno != EWOULDBLOCK))
    relay_close (s, &m->log);
}

/* Relays the init's stdout/stderr to the log and the attach clients until it has exited and its pipes
   are drained; returns its wait status. While a client cannot take more, the pipes are not read: the
   container blocks on its writes (backpressure) rather than anything being dropped. */
static int
relay_until_exit (struct monitor *m, int sig_fd, int out_r, int err_r)
{
  struct relay_stream streams[2];
  int init_status = 0, init_done = 0, i;

  streams[0].fd = streams[1].fd = -1, streams[0].buf = streams[1].buf = NULL,
  streams[0].len = streams[1].len = 0;
  if (out_r >= 0)
    {
      relay_init (&streams[0], out_r, "stdout");
      relay_init (&streams[1], err_r, "stderr");
    }

  for (;;)
    {
      struct pollfd pfd[3 + 1 + ATTACH_MAX_CLIENTS];
      int n = 0, first_attach, timeout;
      bool can_read = attach_room (&m->attach) > 0;
      /* Done when the init is gone, its pipes are drained and the clients have it all (a client that is
         still to come gets what was held for it: wait for it, as long as the hold lasts). */
      if (init_done && streams[0].fd < 0 && streams[1].fd < 0 && can_read && !m->attach.holding)
        break;
      pfd[n].fd = init_done ? -1 : sig_fd;
      pfd[n++].events = POLLIN;
      for (i = 0; i < 2; i++)
        {
          pfd[n].fd = can_read ? streams[i].fd : -1;
          pfd[n++].events = POLLIN;
        }
      first_attach = n;
      n += attach_pollfds (&m->attach, pfd + n);
      timeout = attach_poll_timeout (&m->attach);
      /* Once the init is gone, take what its pipes still hold without waiting for more. */
      if (init_done && can_read && (streams[0].fd >= 0 || streams[1].fd >= 0))
        timeout = 0;
      if (poll (pfd, (nfds_t) n, timeout) < 0)
        continue;
      attach_handle (&m->attach, pfd + first_attach, n - first_attach);
      can_read = attach_room (&m->attach) > 0;   /* a client that just came takes what was held first */
      for (i = 0; i < 2; i++)
        if (can_read && streams[i].fd >= 0 && (init_done || pfd[1 + i].revents))
          {
            relay_chunk (m, streams, i, init_done);
            can_read = attach_room (&m->attach) > 0;
          }
      if (pfd[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          int status;
          pid_t pid;
          while (read (sig_fd, &si, sizeof si) > 0)
            ;
          while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
            if (pid == m->init_pid)
              {
                init_status = status;
                init_done = 1;
              }
        }
    }
  for (i = 0; i < 2; i++)
    relay_close (&streams[i], &m->log);
  return init_status;
}

/* `tty`: relays the caller's terminal <-> the init's pty (raw mode, window size) until the init
   exits; the pty's output also goes to the log. Returns the init's wait status. */
static int
relay_terminal (struct monitor *m, int sig_fd, int master)
{
  struct terminal t;
  struct relay_stream out;
  int status;

  memset (&t, 0, sizeof t);
  t.master = master;
  if (m->log.fd >= 0 && relay_init (&out, -1, "stdout") == 0)
    {
      t.tee = &out;
      t.log = &m->log;
    }
  terminal_take_caller (&t);
  status = terminal_relay (&t, m->init_pid, sig_fd);
  terminal_restore_caller (&t);
  if (t.tee != NULL)
    relay_close (&out, &m->log);
  return status;
}

/* Process-wide state a monitor needs before anything of the container exists: subreaper, not
   dumpable, the signals it waits on as a signalfd. */
static int
monitor_setup (struct monitor *m, const struct plan *plan, struct md_error *err)
{
  sigset_t sigs;

  m->plan = plan;
  m->init.plan = plan;
  m->init_pid = -1;
  m->sync_w = m->error_r = m->sig_fd = m->out_r = m->err_r = m->master = m->null = -1;
  m->init.umask = umask (0022);
  umask (m->init.umask);

  /* Nothing in the container may ptrace or read the memory of the helper (or, in init mode,
     of its PID 1) before the command's execve makes it dumpable again. */
  if (prctl (PR_SET_CHILD_SUBREAPER, 1) < 0)
    return md_fail (err, errno, "prctl", "PR_SET_CHILD_SUBREAPER");
  if (prctl (PR_SET_DUMPABLE, 0) < 0)
    return md_fail (err, errno, "prctl", "PR_SET_DUMPABLE");
  if (signal (SIGPIPE, SIG_IGN) == SIG_ERR || (!plan->tty && signal (SIGHUP, SIG_IGN) == SIG_ERR))
    return md_fail (err, errno, "signals", "SIG_IGN");

  sigemptyset (&sigs);
  sigaddset (&sigs, SIGCHLD);
  if (plan->tty)
    {
      /* The caller's terminal: its size changes, and these end the session (SIGHUP to the init). */
      sigaddset (&sigs, SIGWINCH);
      sigaddset (&sigs, SIGINT);
      sigaddset (&sigs, SIGTERM);
      sigaddset (&sigs, SIGHUP);
      sigaddset (&sigs, SIGQUIT);
    }
  if (sigprocmask (SIG_BLOCK, &sigs, NULL) < 0
      || (m->sig_fd = signalfd (-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK)) < 0)
    return md_fail (err, errno, "signalfd", "SIGCHLD");
  return 0;
}

/* Clones the init, places it in its cgroups and network, releases it and waits for its exec (or its
   error). On failure nothing of the container may keep running: the caller kills what was cloned. */
static int
monitor_launch (struct monitor *m, struct md_error *err)
{
  const struct plan *plan = m->plan;

  /* v1 without a user namespace: the init moves itself, without the grace period a move by pid costs. */
  m->init.self_join = !plan->userns && cgroup_can_join_self (plan);
  if (open_log (m, err) < 0 || open_attach (m, err) < 0 || make_pipes (m, &m->out_r, &m->err_r, err) < 0
      || seccomp_prepare (plan, err) < 0 || network_reserve_ports (plan, err) < 0 || clone_init (m, err) < 0)
    return -1;
  if (chdir ("/") < 0)
    { /* keep going: only a mount stays pinned */ }
  /* The init has its own copy of the filter; the monitor lives as long as the container: stay small. */
  seccomp_forget_prepared ();
  malloc_trim (0);

  if (plan->userns && userns_map (plan, m->init_pid, err) < 0)
    return -1;
  if (plan->userns && prctl (PR_SET_DUMPABLE, 0) < 0)
    return md_fail (err, errno, "prctl", "PR_SET_DUMPABLE");
  if ((!m->init.self_join && !m->cloned_into_cgroup && monitor_join_cgroups (plan, m->init_pid, err) < 0) || network_attach (plan, m->init_pid, err) < 0
      || pasta_start (plan, m->init_pid, &m->pasta, err) < 0 || slirp_start (plan, m->init_pid, &m->slirp, err) < 0
      || fuseoverlay_start (plan, m->init_pid, &m->fuse, err) < 0
      || release_init (m, err) < 0)
    return -1;
  if (plan->tty && (m->master = terminal_recv_master (m->tty_sock)) < 0)
    return md_fail (err, errno, "tty", "recvmsg");
  /* Opened before the report: once it is sent, the caller's pipes must be let go of at once. */
  if ((m->null = open ("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
    return md_fail (err, errno, "stdio", "/dev/null");
  return 0;
}

/* Relays the container's output until it exits, then records its exit status; returns its exit code. */
static int
monitor_supervise (struct monitor *m)
{
  const struct plan *plan = m->plan;
  struct md_error err;
  int code;

  memset (&err, 0, sizeof err);
  if (plan->tty)
    code = status_exit_code (relay_terminal (m, m->sig_fd, m->master));
  else
    code = status_exit_code (relay_until_exit (m, m->sig_fd, m->out_r, m->err_r));
  /* The socket goes before the exit file (after it, a new start may make its own); the clients go
     after it, so one that saw EOF finds the exit recorded. */
  attach_remove_socket (&m->attach);
  /* The network serves nobody now; gone (and its host ports free) before the exit says the container stopped. */
  pasta_stop (&m->pasta);
  /* Every process of the container is gone: nothing reads the rootfs any more, and with the daemon its mount namespace goes. */
  pasta_stop (&m->fuse);
  slirp_stop (&m->slirp);
  /* The copy beside the record first: waiters watch the run dir's file, and once they see it this
     process writes nothing more into a folder a Remove may be deleting. */
  if (plan->exitfile2 && status_write_exit_file (plan->exitfile2->args[0], code, m->log.dropped, &err) < 0)
    log_error (m, &err);
  if (plan->exitfile && status_write_exit_file (plan->exitfile->args[0], code, m->log.dropped, &err) < 0)
    log_error (m, &err);
  attach_close (&m->attach);
  /* Subreaper: anything reparented to us (e.g. an exec'd process) is reaped before we go. */
  while (waitpid (-1, NULL, 0) > 0 || errno == EINTR)
    ;
  return code;
}

int
monitor_run (const struct plan *plan)
{
  struct monitor m;
  struct md_error err;

  memset (&m, 0, sizeof m);
  memset (&err, 0, sizeof err);
  m.pasta.pid = m.pasta.pidfd = -1;
  m.fuse.pid = m.fuse.pidfd = -1;
  m.slirp.proc.pid = m.slirp.proc.pidfd = m.slirp.exit_fd = -1;
  if (monitor_setup (&m, plan, &err) < 0 || monitor_launch (&m, &err) < 0)
    {
      pasta_stop (&m.pasta);
      slirp_stop (&m.slirp);
      pasta_stop (&m.fuse);
      /* The report must not be read while anything of the container still runs. */
      if (m.init_pid > 0)
        kill_and_reap_init (&m);
      monitor_report_error (&err);
      return 1;
    }
  if (report_ok (m.init_pid) < 0)
    {
      /* The engine never learns of this container: it must not run on unrecorded. */
      kill_and_reap_init (&m);
      pasta_stop (&m.pasta);
      pasta_stop (&m.fuse);
      slirp_stop (&m.slirp);
      return 1;
    }
  detach_stdio (m.null, plan->tty);
  return monitor_supervise (&m);
}
