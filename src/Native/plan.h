/* The launch plan: NUL-separated directives read from stdin (docs/launch-plan.md). */
#ifndef MD_PLAN_H
#define MD_PLAN_H

#include <stddef.h>
#include <stdbool.h>

#include "error.h"

enum directive_kind
{
  D_VERSION, D_HOSTNAME, D_CGROUP, D_LOG, D_EXITFILE,
  D_CHDIR, D_MOUNT, D_MKDIR, D_MKNOD, D_SYMLINK, D_PIVOT, D_READONLY, D_MASK, D_LOOPBACK,
  D_ENV, D_CWD, D_ARG, D_INIT,
  D_RLIMIT, D_USER, D_NNP, D_CAPS, D_SECCOMP, D_SYSCALL,
  D_LOGMAX, D_TARGET, D_TTY, D_ERRORFILE, D_SECCOMPCACHE, D_ATTACH, D_ATTACHHOLD,
  D_BRIDGE, D_VETH, D_PUBLISH, D_IPADDR, D_ROUTE, D_HOSTNET, D_USERNS, D_PASTA, D_FUSEOVERLAY,
  D_SLIRP, D_HOSTFWD,
};

/* The helper's modes (`mdhelper run`, `mdhelper exec`): the directive table says which accept what. */
enum plan_mode
{
  PLAN_RUN = 1 << 0,
  PLAN_EXEC = 1 << 1,
};

struct directive
{
  enum directive_kind kind;
  const char *name;
  int index;
  bool init_step;          /* the init runs it in plan order (chdir mount mkdir ... ipaddr route) */
  char **args;             /* points into plan->tokens */
  unsigned long num[3];    /* mount: flags; mkdir: mode; mknod: mode, major, minor; logmax: bytes; attachhold: ms;
                              rlimit: resource, soft, hard; user: uid, gid; caps: eff, prm, bnd;
                              target: pid, start time */
};

struct plan
{
  char *raw;
  char **tokens;
  size_t ntokens;
  struct directive *dirs;
  size_t ndirs;

  const struct directive *hostname, *log, *exitfile, *cwd;
  const struct directive *exitfile2;  /* a second copy where the first may vanish (run root gone) */
  const struct directive *logmax;     /* run: rotate the log at this size */
  const struct directive *attach;     /* run: the attach socket's path */
  const struct directive *attachhold; /* run: hold the output until the first attach client (ms at most) */
  const struct directive *target;     /* exec: the container's init (pid, start time) */
  const struct directive *errorfile;  /* exec: where a failure before exec is reported */
  const struct directive **cgroups;
  size_t ncgroups;
  char **env;              /* NULL-terminated */
  char **argv;             /* NULL-terminated, at least one element */
  bool init;

  /* Process security (security.c), applied to the init and to every exec'd process. */
  const struct directive **rlimits;
  size_t nrlimits;
  const struct directive *user, *caps, *seccomp, *seccompcache;
  unsigned int *groups;    /* the user directive's supplementary groups */
  size_t ngroups;
  bool nnp;
  const struct directive **syscalls;   /* seccomp rules, plan order */
  size_t nsyscalls;
  const char *pivot;       /* the pivot directive's directory: paths below it resolve inside it */
  bool tty;                /* exec: the command gets a new pty, relayed to the caller's fds */
  bool hostnet;            /* run: no CLONE_NEWNET, the init shares the monitor's network stack */
  const struct directive *userns;  /* run: CLONE_NEWUSER, ids mapped by the monitor (rootless; userns.c) */
  const struct directive *pasta;   /* run: a user-mode network served by pasta (rootless; pasta.c) */
  const struct directive *slirp;   /* run: ... or by slirp4netns, its ports the `hostfwd` directives (slirp.c) */
  const struct directive *fuseoverlay;  /* run: the rootfs served by fuse-overlayfs (rootless; fuseoverlay.c) */
};

/* Reads fd to EOF and parses it for MODE; a malformed plan, or a directive MODE does not accept,
   is a `plan` error. */
int plan_load (int fd, enum plan_mode mode, struct plan *plan, struct md_error *err);

#endif
