#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "security.h"

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

/* The compat ABIs a native process can also enter, so a 32-bit binary meets the same rules. */
static void
add_compat_arches (scmp_filter_ctx ctx)
{
  uint32_t native = seccomp_arch_native ();
  if (native == SCMP_ARCH_X86_64)
    {
      seccomp_arch_add (ctx, SCMP_ARCH_X86);
      seccomp_arch_add (ctx, SCMP_ARCH_X32);
    }
  else if (native == SCMP_ARCH_AARCH64)
    seccomp_arch_add (ctx, SCMP_ARCH_ARM);
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

int
seccomp_load_plan (const struct plan *plan, struct md_error *err)
{
  const struct directive *d = plan->seccomp;
  scmp_filter_ctx ctx;
  uint32_t def;
  size_t i;
  int rc;
  if (d == NULL)
    return 0;
  if (parse_action (d->args[0], &def) < 0)
    return md_fail_directive (err, d, EINVAL, d->args[0]);
  ctx = seccomp_init (def);
  if (ctx == NULL)
    return md_fail_directive (err, d, ENOMEM, d->args[0]);
  /* no_new_privs is the plan's decision (the nnp directive), not libseccomp's. */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  add_compat_arches (ctx);
  for (i = 0; i < plan->nsyscalls; i++)
    if (add_rule (ctx, plan->syscalls[i], err) < 0)
      {
        seccomp_release (ctx);
        return -1;
      }
  rc = seccomp_load (ctx);
  seccomp_release (ctx);
  if (rc < 0)
    return md_fail_directive (err, d, -rc, d->args[0]);
  return 0;
}
