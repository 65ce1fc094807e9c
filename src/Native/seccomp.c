#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp.h"

#define MAX_ARG_CONDITIONS 6

/* allow | errno:N | kill | kill_process | trap | log */
static int
parse_action (const char *s, uint32_t *action)
{
  char *end;
  unsigned long n;
  if (strcmp (s, "allow") == 0)
    *action = SCMP_ACT_ALLOW;
  else if (strcmp (s, "kill") == 0)
    *action = SCMP_ACT_KILL;
  else if (strcmp (s, "kill_process") == 0)
    *action = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (s, "trap") == 0)
    *action = SCMP_ACT_TRAP;
  else if (strcmp (s, "log") == 0)
    *action = SCMP_ACT_LOG;
  else if (strncmp (s, "errno:", 6) == 0)
    {
      errno = 0;
      n = strtoul (s + 6, &end, 10);
      if (errno || *end || end == s + 6 || n > 4095)
        return -1;
      *action = SCMP_ACT_ERRNO ((uint16_t) n);
    }
  else
    return -1;
  return 0;
}

static int
parse_op (const char *s, enum scmp_compare *op)
{
  static const struct { const char *name; enum scmp_compare op; } ops[] = {
    { "ne", SCMP_CMP_NE }, { "lt", SCMP_CMP_LT }, { "le", SCMP_CMP_LE }, { "eq", SCMP_CMP_EQ },
    { "ge", SCMP_CMP_GE }, { "gt", SCMP_CMP_GT }, { "masked_eq", SCMP_CMP_MASKED_EQ },
  };
  size_t i;
  for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp (s, ops[i].name) == 0)
      {
        *op = ops[i].op;
        return 0;
      }
  return -1;
}

/* "INDEX:OP:VALUE:VALUE2[,...]" (empty: no condition); all conditions must hold. */
static int
parse_conditions (const char *s, struct scmp_arg_cmp *cmp, unsigned int *n)
{
  char buf[1024], *rule, *save;
  *n = 0;
  if (strlen (s) >= sizeof buf)
    return -1;
  strcpy (buf, s);
  for (rule = strtok_r (buf, ",", &save); rule; rule = strtok_r (NULL, ",", &save))
    {
      char *f[4], *fsave, *end;
      int k = 0;
      for (char *t = strtok_r (rule, ":", &fsave); t && k < 4; t = strtok_r (NULL, ":", &fsave))
        f[k++] = t;
      if (k != 4 || *n >= MAX_ARG_CONDITIONS)
        return -1;
      errno = 0;
      cmp[*n].arg = (unsigned int) strtoul (f[0], &end, 10);
      if (*end || cmp[*n].arg > 5 || parse_op (f[1], &cmp[*n].op) < 0)
        return -1;
      cmp[*n].datum_a = strtoull (f[2], &end, 10);
      if (*end)
        return -1;
      cmp[*n].datum_b = strtoull (f[3], &end, 10);
      if (*end || errno)
        return -1;
      (*n)++;
    }
  return 0;
}

/* The compat ABIs a native process can also enter, so a 32-bit binary meets the same rules
   (a missing one would let such a binary past the filter: failing to add it is an error). */
static int
add_compat_arches (scmp_filter_ctx ctx, const struct directive *d, struct md_error *err)
{
  static const struct { uint32_t native, compat; const char *name; } compat[] = {
    { SCMP_ARCH_X86_64, SCMP_ARCH_X86, "arch x86" },
    { SCMP_ARCH_X86_64, SCMP_ARCH_X32, "arch x32" },
    { SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, "arch arm" },
  };
  uint32_t native = seccomp_arch_native ();
  size_t i;
  for (i = 0; i < sizeof compat / sizeof compat[0]; i++)
    if (compat[i].native == native)
      {
        int rc = seccomp_arch_add (ctx, compat[i].compat);
        if (rc < 0 && rc != -EEXIST)
          return md_fail_directive (err, d, -rc, compat[i].name);
      }
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, const struct directive *d, struct md_error *err)
{
  struct scmp_arg_cmp cmp[MAX_ARG_CONDITIONS];
  unsigned int ncmp;
  uint32_t action;
  int nr, rc;
  if (parse_action (d->args[1], &action) < 0)
    return md_fail_directive (err, d, EINVAL, d->args[1]);
  if (parse_conditions (d->args[2], cmp, &ncmp) < 0)
    return md_fail_directive (err, d, EINVAL, d->args[2]);
  nr = seccomp_syscall_resolve_name (d->args[0]);
  if (nr == __NR_SCMP_ERROR)
    return 0;  /* unknown to this architecture (or to libseccomp): nothing to allow */
  rc = seccomp_rule_add_array (ctx, action, nr, ncmp, cmp);
  /* -EACCES: same action as the default, -EEXIST: a duplicate; both change nothing. */
  if (rc < 0 && rc != -EACCES && rc != -EEXIST)
    return md_fail_directive (err, d, -rc, d->args[0]);
  return 0;
}

/* The filter as libseccomp builds it from the plan; NULL (with ERR set) on failure. */
static scmp_filter_ctx
build_filter (const struct plan *plan, struct md_error *err)
{
  const struct directive *d = plan->seccomp;
  scmp_filter_ctx ctx;
  uint32_t def;
  size_t i;
  int rc;
  if (parse_action (d->args[0], &def) < 0)
    {
      md_fail_directive (err, d, EINVAL, d->args[0]);
      return NULL;
    }
  ctx = seccomp_init (def);
  if (ctx == NULL)
    {
      md_fail_directive (err, d, ENOMEM, d->args[0]);
      return NULL;
    }
  /* no_new_privs is the plan's decision (the nnp directive), not libseccomp's. */
  rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc < 0)
    md_fail_directive (err, d, -rc, "seccomp_attr_set nnp");
  /* A binary tree of syscall numbers instead of a linear list: the kernel converts, JITs and
     (for its per-syscall allow cache) emulates the program at every load, so its size and depth
     are paid by every container start. */
  if (rc == 0 && (rc = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0)
    md_fail_directive (err, d, -rc, "seccomp_attr_set optimize");
  if (rc < 0 || add_compat_arches (ctx, d, err) < 0)
    {
      seccomp_release (ctx);
      return NULL;
    }
  for (i = 0; i < plan->nsyscalls; i++)
    if (add_rule (ctx, plan->syscalls[i], err) < 0)
      {
        seccomp_release (ctx);
        return NULL;
      }
  return ctx;
}

/* The BPF program prepared for this process (inherited across fork/clone). */
static struct sock_fprog prepared;

static int
set_prepared (void *bytes, size_t size)
{
  if (size == 0 || size % sizeof (struct sock_filter) != 0 || size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return -1;
  prepared.filter = bytes;
  prepared.len = (unsigned short) (size / sizeof (struct sock_filter));
  return 0;
}

/* Reads a whole regular file (never through a symlink) into a new buffer. */
static void *
read_file (const char *path, size_t *size)
{
  struct stat st;
  void *buf;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return NULL;
  buf = NULL;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_size > 0 && st.st_size <= BPF_MAXINSNS * 8)
    {
      buf = malloc (st.st_size);
      if (buf != NULL && pread (fd, buf, st.st_size, 0) != st.st_size)
        {
          free (buf);
          buf = NULL;
        }
      *size = st.st_size;
    }
  close (fd);
  return buf;
}

/* Temp file, fsync, rename: a reader never sees half a filter. Failure only costs the cache. */
static void
write_cache (const char *path, const void *bytes, size_t size)
{
  char tmp[4096];
  int fd;
  if (snprintf (tmp, sizeof tmp, "%s.tmp.%d", path, (int) getpid ()) >= (int) sizeof tmp)
    return;
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  if (write (fd, bytes, size) != (ssize_t) size || fsync (fd) < 0)
    {
      close (fd);
      unlink (tmp);
      return;
    }
  close (fd);
  if (rename (tmp, path) < 0)
    unlink (tmp);
}

static int seccomp_compile (const struct plan *plan, const char *cache, struct md_error *err);

/* Uses the cached program at CACHE if it is a whole one. */
static int
load_cache (const char *cache)
{
  size_t size = 0;
  void *bytes = cache ? read_file (cache, &size) : NULL;
  if (bytes == NULL)
    return -1;
  if (set_prepared (bytes, size) == 0)
    return 0;
  free (bytes);
  return -1;
}

/* libseccomp's working memory would stay in the caller's heap (the monitor lives as long as the
   container): compile and fill the cache in a short-lived child instead. */
static void
fill_cache_in_child (const struct plan *plan, const char *cache)
{
  struct md_error ignored;
  int status;
  pid_t child = fork ();
  if (child == 0)
    _exit (seccomp_compile (plan, cache, &ignored) == 0 ? 0 : 1);
  if (child > 0)
    while (waitpid (child, &status, 0) < 0 && errno == EINTR)
      ;
}

int
seccomp_prepare (const struct plan *plan, struct md_error *err)
{
  const char *cache = plan->seccompcache ? plan->seccompcache->args[0] : NULL;
  if (plan->seccomp == NULL || prepared.filter != NULL || load_cache (cache) == 0)
    return 0;
  if (cache != NULL)
    {
      fill_cache_in_child (plan, cache);
      if (load_cache (cache) == 0)
        return 0;
    }
  /* No cache (or it cannot be written): compile here. */
  return seccomp_compile (plan, cache, err);
}

/* Builds the filter with libseccomp into the prepared program, and writes it to CACHE if given. */
static int
seccomp_compile (const struct plan *plan, const char *cache, struct md_error *err)
{
  scmp_filter_ctx ctx;
  void *bytes;
  off_t end;
  int fd, rc;
  ctx = build_filter (plan, err);
  if (ctx == NULL)
    return -1;
  /* libseccomp 2.5 exports only to an fd: a memfd keeps it in memory. */
  fd = memfd_create ("seccomp-bpf", MFD_CLOEXEC);
  if (fd < 0)
    {
      seccomp_release (ctx);
      return md_fail_directive (err, plan->seccomp, errno, "memfd_create");
    }
  rc = seccomp_export_bpf (ctx, fd);
  seccomp_release (ctx);
  end = lseek (fd, 0, SEEK_END);
  bytes = rc == 0 && end > 0 ? malloc (end) : NULL;
  if (bytes == NULL || pread (fd, bytes, end, 0) != end || set_prepared (bytes, end) < 0)
    {
      close (fd);
      free (bytes);
      return md_fail_directive (err, plan->seccomp, rc < 0 ? -rc : EINVAL, "seccomp_export_bpf");
    }
  close (fd);
  if (cache != NULL)
    write_cache (cache, bytes, end);
  return 0;
}

void
seccomp_forget_prepared (void)
{
  free (prepared.filter);
  prepared.filter = NULL;
  prepared.len = 0;
}

int
seccomp_load_plan (const struct plan *plan, struct md_error *err)
{
  scmp_filter_ctx ctx;
  int rc;
  if (plan->seccomp == NULL)
    return 0;
  if (prepared.filter != NULL)
    {
      /* Same effect as seccomp_load: no flags, no_new_privs left to the plan. */
      if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prepared) < 0)
        return md_fail_directive (err, plan->seccomp, errno, plan->seccomp->args[0]);
      return 0;
    }
  ctx = build_filter (plan, err);
  if (ctx == NULL)
    return -1;
  rc = seccomp_load (ctx);
  seccomp_release (ctx);
  if (rc < 0)
    return md_fail_directive (err, plan->seccomp, -rc, plan->seccomp->args[0]);
  return 0;
}
