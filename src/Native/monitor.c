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

#include "init.h"
#include "monitor.h"
#include "network.h"
#include "relay.h"
#include "security.h"
#include "status.h"
#include "terminal.h"

#define INIT_STACK_SIZE (1u << 20)
#define CLONE_NAMESPACES (CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

struct monitor
{
  const struct plan *plan;
  pid_t init_pid;
  struct relay_log log;
  int sync_w, error_r;
  int tty_sock;     /* `tty`: our end of the socket the init sends its pty master on */
  struct init_args init;
};

int monitor_report_fd = 1;

void
monitor_report_error (const struct md_error *err)
{
  md_error_report (monitor_report_fd, err);
}

static void
report_ok (pid_t init_pid)
{
  char line[64];
  int len = snprintf (line, sizeof line, "ok %d %d\n", (int) getpid (), (int) init_pid);
  write_all (monitor_report_fd, line, (size_t) len);
}

/* The caller reads the report until EOF: let go of its pipes (and our inherited stderr). With
   `tty`, fds 0-1 are the caller's terminal, which we relay: only the report fd goes. */
static void
detach_stdio (bool tty)
{
  int null = open ("/dev/null", O_RDWR);
  if (null < 0)
    return;
  if (!tty)
    {
      dup2 (null, 0);
      dup2 (null, 1);
    }
  dup2 (null, 2);
  if (null > 2)
    close (null);
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
  fcntl (out_p[1], F_SETFL, 0);
  fcntl (errout_p[1], F_SETFL, 0);
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
  unsigned namespaces = CLONE_NAMESPACES & ~(m->plan->hostnet ? (unsigned) CLONE_NEWNET : 0u);
  char *stack = mmap (NULL, INIT_STACK_SIZE, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  snprintf (flags, sizeof flags, "0x%x", namespaces);
  if (stack == MAP_FAILED)
    return md_fail (err, errno, "clone", flags);
  m->init_pid = clone (init_main, stack + INIT_STACK_SIZE, (int) namespaces | SIGCHLD, &m->init);
  if (m->init_pid < 0)
    md_fail (err, errno, "clone", flags);
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
  int len = snprintf (text, sizeof text, "%d", (int) pid);
  size_t i;
  for (i = 0; i < plan->ncgroups; i++)
    {
      const struct directive *d = plan->cgroups[i];
      int fd = open (d->args[0], O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        return md_fail_directive (err, d, errno, d->args[0]);
      if (write_all (fd, text, (size_t) len) < 0)
        {
          int saved = errno;
          close (fd);
          return md_fail_directive (err, d, saved, d->args[0]);
        }
      close (fd);
    }
  return 0;
}

static int
release_init (struct monitor *m, struct md_error *err)
{
  int rc;
  if (write_all (m->sync_w, "r", 1) < 0)
    {
      close (m->sync_w);
      return md_fail (err, errno, "sync", "init");
    }
  close (m->sync_w);
  rc = md_error_recv (m->error_r, err);
  close (m->error_r);
  if (rc < 0)
    return md_fail (err, errno, "sync", "error pipe");
  return rc == 0 ? 0 : -1;
}

static void
kill_and_reap_init (struct monitor *m)
{
  kill (m->init_pid, SIGKILL);
  while (waitpid (m->init_pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Returns the init's wait status once it has exited. */
static int
relay_until_exit (struct monitor *m, int sig_fd, int out_r, int err_r)
{
  struct relay_stream streams[2];
  int init_status = 0, init_done = 0, i;

  if (out_r >= 0)
    {
      relay_init (&streams[0], out_r, "stdout");
      relay_init (&streams[1], err_r, "stderr");
    }
  else
    streams[0].fd = streams[1].fd = -1, streams[0].buf = streams[1].buf = NULL,
    streams[0].len = streams[1].len = 0;

  while (!init_done)
    {
      struct pollfd pfd[3];
      int n = 0;
      pfd[n].fd = sig_fd;
      pfd[n++].events = POLLIN;
      for (i = 0; i < 2; i++)
        if (streams[i].fd >= 0)
          {
            pfd[n].fd = streams[i].fd;
            pfd[n++].events = POLLIN;
          }
      if (poll (pfd, (nfds_t) n, -1) < 0)
        continue;
      for (i = 0; i < 2; i++)
        if (streams[i].fd >= 0)
          relay_pump (&streams[i], &m->log);
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
    {
      relay_drain (&streams[i], &m->log);
      relay_close (&streams[i], &m->log);
    }
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

int
monitor_run (const struct plan *plan)
{
  struct monitor m;
  struct md_error err;
  sigset_t chld;
  int sig_fd, out_r = -1, err_r = -1, code, master = -1;

  memset (&m, 0, sizeof m);
  memset (&err, 0, sizeof err);
  m.plan = plan;
  m.init.plan = plan;
  m.init.umask = umask (0022);
  umask (m.init.umask);

  prctl (PR_SET_CHILD_SUBREAPER, 1);
  /* Nothing in the container may ptrace or read the memory of the helper (or, in init mode,
     of its PID 1) before the command's execve makes it dumpable again. */
  prctl (PR_SET_DUMPABLE, 0);
  signal (SIGPIPE, SIG_IGN);
  if (!plan->tty)
    signal (SIGHUP, SIG_IGN);

  sigemptyset (&chld);
  sigaddset (&chld, SIGCHLD);
  if (plan->tty)
    {
      /* The caller's terminal: its size changes, and these end the session (SIGHUP to the init). */
      sigaddset (&chld, SIGWINCH);
      sigaddset (&chld, SIGINT);
      sigaddset (&chld, SIGTERM);
      sigaddset (&chld, SIGHUP);
      sigaddset (&chld, SIGQUIT);
    }
  sigprocmask (SIG_BLOCK, &chld, NULL);
  sig_fd = signalfd (-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0)
    {
      md_fail (&err, errno, "signalfd", "SIGCHLD");
      monitor_report_error (&err);
      return 1;
    }

  if (open_log (&m, &err) < 0 || make_pipes (&m, &out_r, &err_r, &err) < 0
      || seccomp_prepare (m.init.plan, &err) < 0 || network_reserve_ports (plan, &err) < 0
      || clone_init (&m, &err) < 0)
    {
      monitor_report_error (&err);
      return 1;
    }
  if (chdir ("/") < 0)
    { /* keep going: only a mount stays pinned */ }
  /* The init has its own copy of the filter; the monitor lives as long as the container: stay small. */
  seccomp_forget_prepared ();
  malloc_trim (0);

  if (monitor_join_cgroups (plan, m.init_pid, &err) < 0 || network_attach (plan, m.init_pid, &err) < 0)
    {
      close (m.sync_w);
      kill_and_reap_init (&m);
      monitor_report_error (&err);
      return 1;
    }
  if (release_init (&m, &err) < 0)
    {
      /* The report must not be read while anything of the container still runs. */
      kill_and_reap_init (&m);
      monitor_report_error (&err);
      return 1;
    }
  if (plan->tty && (master = terminal_recv_master (m.tty_sock)) < 0)
    {
      md_fail (&err, errno, "tty", "recvmsg");
      kill_and_reap_init (&m);
      monitor_report_error (&err);
      return 1;
    }
  report_ok (m.init_pid);
  detach_stdio (plan->tty);

  if (plan->tty)
    code = status_exit_code (relay_terminal (&m, sig_fd, master));
  else
    code = status_exit_code (relay_until_exit (&m, sig_fd, out_r, err_r));
  if (plan->exitfile)
    status_write_exit_file (plan->exitfile->args[0], code, &err);
  /* Subreaper: anything reparented to us (e.g. an exec'd process) is reaped before we go. */
  while (waitpid (-1, NULL, 0) > 0 || errno == EINTR)
    ;
  return code;
}
