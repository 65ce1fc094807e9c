#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plan.h"

#define PLAN_MAX_BYTES (16u << 20)

/* Which modes accept a directive, and whether it is a step the init runs in plan order (the rest are
   settings). A directive sent to a mode that does not accept it is refused, never ignored. */
#define RUN PLAN_RUN
#define EXEC PLAN_EXEC
#define BOTH (PLAN_RUN | PLAN_EXEC)
#define STEP (1u << 8)
#define HOSTPATH (1u << 9)   /* its argument is a host path, made absolute: the monitor chdirs to "/" */

struct directive_spec
{
  const char *name;
  enum directive_kind kind;
  int argc;
  unsigned use;   /* the modes that accept it, STEP, HOSTPATH */
};

static const struct directive_spec specs[] = {
  { "version", D_VERSION, 1, BOTH },
  { "hostname", D_HOSTNAME, 1, RUN },
  { "cgroup", D_CGROUP, 1, BOTH | HOSTPATH },
  { "log", D_LOG, 1, RUN | HOSTPATH },
  { "exitfile", D_EXITFILE, 1, RUN | HOSTPATH },
  { "chdir", D_CHDIR, 1, RUN | STEP },
  { "mount", D_MOUNT, 5, RUN | STEP },
  { "mkdir", D_MKDIR, 2, RUN | STEP },
  { "mknod", D_MKNOD, 4, RUN | STEP },
  { "symlink", D_SYMLINK, 2, RUN | STEP },
  { "pivot", D_PIVOT, 1, RUN | STEP },
  { "readonly", D_READONLY, 1, RUN | STEP },
  { "mask", D_MASK, 1, RUN | STEP },
  { "loopback", D_LOOPBACK, 0, RUN | STEP },
  { "env", D_ENV, 1, BOTH },
  { "cwd", D_CWD, 1, BOTH },
  { "arg", D_ARG, 1, BOTH },
  { "init", D_INIT, 0, RUN },
  { "rlimit", D_RLIMIT, 3, BOTH },
  { "user", D_USER, 3, BOTH },
  { "nnp", D_NNP, 0, BOTH },
  { "caps", D_CAPS, 3, BOTH },
  { "seccomp", D_SECCOMP, 1, BOTH },
  { "syscall", D_SYSCALL, 3, BOTH },
  { "seccompcache", D_SECCOMPCACHE, 1, BOTH },
  { "logmax", D_LOGMAX, 1, RUN },
  { "attach", D_ATTACH, 1, RUN | HOSTPATH },
  { "attachhold", D_ATTACHHOLD, 1, RUN },
  { "target", D_TARGET, 2, EXEC },
  { "errorfile", D_ERRORFILE, 1, EXEC | HOSTPATH },
  { "tty", D_TTY, 0, BOTH },
  { "hostnet", D_HOSTNET, 0, RUN },
  { "userns", D_USERNS, 4, RUN },
  { "pasta", D_PASTA, 3, RUN },
  { "fuseoverlay", D_FUSEOVERLAY, 5, RUN },
  { "slirp4netns", D_SLIRP, 4, RUN },
  { "hostfwd", D_HOSTFWD, 5, RUN },
  { "publish", D_PUBLISH, 3, RUN },
  { "bridge", D_BRIDGE, 2, RUN },
  { "veth", D_VETH, 2, RUN },
  { "ipaddr", D_IPADDR, 2, RUN | STEP },
  { "route", D_ROUTE, 1, RUN | STEP },
};

static const char *
mode_name (enum plan_mode mode)
{
  return mode == PLAN_EXEC ? "exec" : "run";
}

static int
plan_error (struct md_error *err, int index, int errnum, const char *arg)
{
  md_fail (err, errnum, "plan", arg);
  err->index = index;
  return -1;
}

static int
read_all (int fd, struct plan *plan, size_t *len, struct md_error *err)
{
  size_t cap = 4096;
  char *buf = malloc (cap);
  if (buf == NULL)
    return plan_error (err, -1, ENOMEM, "stdin");
  *len = 0;
  for (;;)
    {
      if (*len == cap)
        {
          char *bigger;
          if (cap >= PLAN_MAX_BYTES)
            return plan_error (err, -1, EFBIG, "stdin");
          cap *= 2;
          bigger = realloc (buf, cap);
          if (bigger == NULL)
            return plan_error (err, -1, ENOMEM, "stdin");
          buf = bigger;
        }
      ssize_t n = read (fd, buf + *len, cap - *len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return plan_error (err, -1, errno, "stdin");
      if (n == 0)
        break;
      *len += (size_t) n;
    }
  plan->raw = buf;
  return 0;
}

static int
split_tokens (struct plan *plan, size_t len, struct md_error *err)
{
  size_t count = 0, i, t = 0;
  if (len == 0)
    return plan_error (err, 0, EINVAL, "empty plan");
  if (plan->raw[len - 1] != '\0')
    return plan_error (err, -1, EINVAL, "plan does not end with NUL");
  for (i = 0; i < len; i++)
    if (plan->raw[i] == '\0')
      count++;
  plan->tokens = calloc (count + 1, sizeof (char *));
  if (plan->tokens == NULL)
    return plan_error (err, -1, ENOMEM, "tokens");
  for (i = 0; i < len; i += strlen (plan->raw + i) + 1)
    plan->tokens[t++] = plan->raw + i;
  plan->ntokens = count;
  return 0;
}

static int
parse_number (const char *s, int base, unsigned long *out)
{
  char *end;
  if (*s == '\0' || *s == '-')
    return -1;
  errno = 0;
  *out = strtoul (s, &end, base);
  return (errno != 0 || *end != '\0') ? -1 : 0;
}

/* Host-side paths are made absolute because the monitor chdirs to "/" (to pin no mount). */
static int
make_absolute (char **path, int index, struct md_error *err)
{
  char cwd[PATH_MAX], *abs;
  if ((*path)[0] == '/')
    return 0;
  if (getcwd (cwd, sizeof cwd) == NULL)
    return plan_error (err, index, errno, *path);
  abs = malloc (strlen (cwd) + strlen (*path) + 2);
  if (abs == NULL)
    return plan_error (err, index, ENOMEM, *path);
  strcpy (abs, cwd);
  strcat (abs, "/");
  strcat (abs, *path);
  *path = abs;
  return 0;
}

static int
parse_numbers (struct directive *d, struct md_error *err)
{
  int i;
  switch (d->kind)
    {
    case D_MOUNT:
      if (parse_number (d->args[3], 10, &d->num[0]) < 0)
        return plan_error (err, d->index, EINVAL, d->args[3]);
      break;
    case D_MKDIR:
      if (parse_number (d->args[1], 8, &d->num[0]) < 0)
        return plan_error (err, d->index, EINVAL, d->args[1]);
      break;
    case D_MKNOD:
      if (parse_number (d->args[1], 8, &d->num[0]) < 0)
        return plan_error (err, d->index, EINVAL, d->args[1]);
      if (parse_number (d->args[2], 10, &d->num[1]) < 0)
        return plan_error (err, d->index, EINVAL, d->args[2]);
      if (parse_number (d->args[3], 10, &d->num[2]) < 0)
        return plan_error (err, d->index, EINVAL, d->args[3]);
      break;
    case D_RLIMIT:
    case D_USER:
      for (i = 0; i < (d->kind == D_USER ? 2 : 3); i++)
        if (parse_number (d->args[i], 10, &d->num[i]) < 0)
          return plan_error (err, d->index, EINVAL, d->args[i]);
      break;
    case D_CAPS:
      for (i = 0; i < 3; i++)
        if (parse_number (d->args[i], 16, &d->num[i]) < 0)
          return plan_error (err, d->index, EINVAL, d->args[i]);
      break;
    case D_ATTACHHOLD:
      if (parse_number (d->args[0], 10, &d->num[0]) < 0 || d->num[0] > INT_MAX)
        return plan_error (err, d->index, EINVAL, d->args[0]);
      break;
    case D_LOGMAX:
      if (parse_number (d->args[0], 10, &d->num[0]) < 0 || d->num[0] == 0)
        return plan_error (err, d->index, EINVAL, d->args[0]);
      break;
    case D_TARGET:
      if (parse_number (d->args[0], 10, &d->num[0]) < 0 || d->num[0] == 0 || d->num[0] > INT_MAX)
        return plan_error (err, d->index, EINVAL, d->args[0]);
      if (parse_number (d->args[1], 10, &d->num[1]) < 0)
        return plan_error (err, d->index, EINVAL, d->args[1]);
      break;
    default:
      break;
    }
  return 0;
}

/* "G1,G2,..." (may be empty) into plan->groups. */
static int
parse_groups (struct plan *plan, const struct directive *d, struct md_error *err)
{
  const char *s = d->args[2];
  size_t n = *s ? 1 : 0;
  char *copy, *tok, *save;
  for (const char *p = s; *p; p++)
    n += *p == ',';
  plan->groups = calloc (n + 1, sizeof *plan->groups);
  copy = strdup (s);
  if (plan->groups == NULL || copy == NULL)
    return plan_error (err, d->index, ENOMEM, s);
  plan->ngroups = 0;
  for (tok = strtok_r (copy, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
    {
      unsigned long g;
      if (parse_number (tok, 10, &g) < 0 || g > 0xfffffffeUL)
        return plan_error (err, d->index, EINVAL, s);
      plan->groups[plan->ngroups++] = (unsigned int) g;
    }
  free (copy);
  if (plan->ngroups != n)
    return plan_error (err, d->index, EINVAL, s);
  return 0;
}

static const struct directive_spec *
find_spec (const char *name)
{
  size_t i;
  for (i = 0; i < sizeof specs / sizeof specs[0]; i++)
    if (strcmp (specs[i].name, name) == 0)
      return &specs[i];
  return NULL;
}

static int
record_setting (struct plan *plan, struct directive *d, struct md_error *err)
{
  switch (d->kind)
    {
    case D_VERSION:
      if (d->index != 0)
        return plan_error (err, d->index, EINVAL, "version must be the first directive");
      if (strcmp (d->args[0], "1") != 0)
        return plan_error (err, d->index, EINVAL, d->args[0]);
      break;
    case D_HOSTNAME:
      plan->hostname = d;
      break;
    case D_CGROUP:
      plan->cgroups[plan->ncgroups++] = d;
      break;
    case D_LOG:
      plan->log = d;
      break;
    case D_ATTACH:
      plan->attach = d;
      break;
    case D_ATTACHHOLD:
      plan->attachhold = d;
      break;
    case D_EXITFILE:
      if (plan->exitfile != NULL)
        plan->exitfile2 = d;
      else
        plan->exitfile = d;
      break;
    case D_CWD:
      plan->cwd = d;
      break;
    case D_INIT:
      plan->init = true;
      break;
    case D_RLIMIT:
      plan->rlimits[plan->nrlimits++] = d;
      break;
    case D_USER:
      if (d->num[0] > 0xfffffffeUL || d->num[1] > 0xfffffffeUL)
        return plan_error (err, d->index, EINVAL, d->args[d->num[0] > 0xfffffffeUL ? 0 : 1]);
      plan->user = d;
      return parse_groups (plan, d, err);
    case D_NNP:
      plan->nnp = true;
      break;
    case D_CAPS:
      plan->caps = d;
      break;
    case D_SECCOMP:
      plan->seccomp = d;
      break;
    case D_SYSCALL:
      plan->syscalls[plan->nsyscalls++] = d;
      break;
    case D_SECCOMPCACHE:
      plan->seccompcache = d;
      break;
    case D_PIVOT:
      plan->pivot = d->args[0];
      break;
    case D_LOGMAX:
      plan->logmax = d;
      break;
    case D_TARGET:
      plan->target = d;
      break;
    case D_TTY:
      plan->tty = true;
      break;
    case D_HOSTNET:
      plan->hostnet = true;
      break;
    case D_USERNS:
      plan->userns = d;
      break;
    case D_PASTA:
      plan->pasta = d;
      break;
    case D_FUSEOVERLAY:
      plan->fuseoverlay = d;
      break;
    case D_SLIRP:
      plan->slirp = d;
      break;
    case D_ERRORFILE:
      plan->errorfile = d;
      break;
    default:
      break;
    }
  return 0;
}

int
plan_load (int fd, enum plan_mode mode, struct plan *plan, struct md_error *err)
{
  size_t len, t = 0, nenv = 0, nargv = 0;

  memset (plan, 0, sizeof *plan);
  if (read_all (fd, plan, &len, err) < 0 || split_tokens (plan, len, err) < 0)
    return -1;

  /* Every directive has at least its name, so ntokens bounds every list. */
  plan->dirs = calloc (plan->ntokens, sizeof *plan->dirs);
  plan->cgroups = calloc (plan->ntokens, sizeof *plan->cgroups);
  plan->env = calloc (plan->ntokens + 1, sizeof (char *));
  plan->argv = calloc (plan->ntokens + 1, sizeof (char *));
  plan->rlimits = calloc (plan->ntokens, sizeof *plan->rlimits);
  plan->syscalls = calloc (plan->ntokens, sizeof *plan->syscalls);
  if (!plan->dirs || !plan->cgroups || !plan->env || !plan->argv || !plan->rlimits || !plan->syscalls)
    return plan_error (err, -1, ENOMEM, "directives");

  while (t < plan->ntokens)
    {
      struct directive *d = &plan->dirs[plan->ndirs];
      const struct directive_spec *spec = find_spec (plan->tokens[t]);
      d->index = (int) plan->ndirs;
      if (spec == NULL)
        return plan_error (err, d->index, EINVAL, plan->tokens[t]);
      if (!(spec->use & mode))
        {
          char what[64];
          snprintf (what, sizeof what, "%s: not accepted in %s mode", spec->name, mode_name (mode));
          return plan_error (err, d->index, EINVAL, what);
        }
      if (t + 1 + (size_t) spec->argc > plan->ntokens)
        return plan_error (err, d->index, EINVAL, spec->name);
      d->kind = spec->kind;
      d->name = spec->name;
      d->init_step = (spec->use & STEP) != 0;
      d->args = &plan->tokens[t + 1];
      if ((spec->use & HOSTPATH) && make_absolute (&d->args[0], d->index, err) < 0)
        return -1;
      t += 1 + (size_t) spec->argc;
      plan->ndirs++;

      if (parse_numbers (d, err) < 0 || record_setting (plan, d, err) < 0)
        return -1;
      if (d->kind == D_ENV)
        plan->env[nenv++] = d->args[0];
      if (d->kind == D_ARG)
        plan->argv[nargv++] = d->args[0];
    }
  if (plan->ndirs == 0 || plan->dirs[0].kind != D_VERSION)
    return plan_error (err, 0, EINVAL, "version");
  if (nargv == 0 || plan->argv[0][0] == '\0')
    return plan_error (err, -1, EINVAL, "arg");
  if (plan->nsyscalls > 0 && plan->seccomp == NULL)
    return plan_error (err, plan->syscalls[0]->index, EINVAL, "syscall without seccomp");
  /* The daemon joins the init's user namespace: without one it would be the host's. */
  if (plan->fuseoverlay != NULL && plan->userns == NULL)
    return plan_error (err, plan->fuseoverlay->index, EINVAL, "fuseoverlay without userns");
  /* exec joins a running container: which one, and where to say why it could not. */
  if (mode == PLAN_EXEC && plan->target == NULL)
    return plan_error (err, -1, EINVAL, "target");
  if (mode == PLAN_EXEC && plan->errorfile == NULL)
    return plan_error (err, -1, EINVAL, "errorfile");
  return 0;
}
