#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"
#include "security.h"

static int
apply_rlimits (const struct plan *plan, struct md_error *err)
{
  size_t i;
  for (i = 0; i < plan->nrlimits; i++)
    {
      const struct directive *d = plan->rlimits[i];
      struct rlimit rl = { .rlim_cur = d->num[1], .rlim_max = d->num[2] };
      if (setrlimit ((int) d->num[0], &rl) < 0)
        return md_fail_directive (err, d, errno, d->args[0]);
    }
  return 0;
}

/* Needs CAP_SETPCAP, so it runs while we are still root with every capability. */
static int
drop_bounding_set (const struct directive *caps, struct md_error *err)
{
  unsigned long cap;
  for (cap = 0; cap < 64; cap++)
    {
      if (caps->num[2] & (1UL << cap))
        continue;
      if (prctl (PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
        break;  /* past the kernel's last capability */
      if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
        return md_fail_directive (err, caps, errno, caps->args[2]);
    }
  return 0;
}

static int
switch_user (const struct plan *plan, struct md_error *err)
{
  const struct directive *d = plan->user;
  uid_t uid = (uid_t) d->num[0];
  gid_t gid = (gid_t) d->num[1];
  /* Permitted capabilities survive the uid change; capset then sets exactly the plan's. */
  if (plan->caps && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return md_fail_directive (err, d, errno, "keepcaps");
  if (setgroups (plan->ngroups, (const gid_t *) plan->groups) < 0)
    return md_fail_directive (err, d, errno, d->args[2]);
  if (setresgid (gid, gid, gid) < 0)
    return md_fail_directive (err, d, errno, d->args[1]);
  if (setresuid (uid, uid, uid) < 0)
    return md_fail_directive (err, d, errno, d->args[0]);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return md_fail_directive (err, d, errno, "keepcaps");
  return 0;
}

static int
set_capabilities (const struct directive *caps, struct md_error *err)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2] = { 0 };
  int i;
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return md_fail_directive (err, caps, errno, "ambient");
  for (i = 0; i < 2; i++)
    {
      data[i].effective = (__u32) (caps->num[0] >> (32 * i));
      data[i].permitted = (__u32) (caps->num[1] >> (32 * i));
      data[i].inheritable = 0;
    }
  if (syscall (SYS_capset, &hdr, data) < 0)
    return md_fail_directive (err, caps, errno, caps->args[0]);
  return 0;
}

/* close_range, or one close per fd on kernels before 5.9 (ENOSYS). */
static int
close_fds (unsigned int first, unsigned int last, struct md_error *err)
{
  long max;
  unsigned int fd;
  if (close_range (first, last, 0) == 0)
    return 0;
  if (errno != ENOSYS)
    return md_fail (err, errno, "close_range", first == 3 ? "3" : "above the error pipe");
  max = sysconf (_SC_OPEN_MAX);
  if (max < 0 || max > 65536)
    max = 65536;
  for (fd = first; fd <= last && fd < (unsigned int) max; fd++)
    close ((int) fd);
  return 0;
}

/* Only 0-2 reach the command; keep_fd (a CLOEXEC error pipe) closes itself at exec. */
static int
close_other_fds (int keep_fd, struct md_error *err)
{
  if (keep_fd < 3)
    return close_fds (3, ~0U, err);
  if (keep_fd > 3 && close_fds (3, (unsigned int) keep_fd - 1, err) < 0)
    return -1;
  return close_fds ((unsigned int) keep_fd + 1, ~0U, err);
}

int
apply_process_security (const struct plan *plan, int keep_fd, struct md_error *err)
{
  if (apply_rlimits (plan, err) < 0)
    return -1;
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we have it. */
  if (!plan->nnp && seccomp_load_plan (plan, err) < 0)
    return -1;
  if (plan->caps && drop_bounding_set (plan->caps, err) < 0)
    return -1;
  if (plan->user && switch_user (plan, err) < 0)
    return -1;
  if (plan->nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return md_fail (err, errno, "nnp", "prctl");
  if (plan->caps && set_capabilities (plan->caps, err) < 0)
    return -1;
  /* After the user switch, so the user's own permissions decide whether it may enter. */
  if (plan->cwd && plan->cwd->args[0][0] != '\0' && chdir (plan->cwd->args[0]) < 0)
    return md_fail_directive (err, plan->cwd, errno, plan->cwd->args[0]);
  if (close_other_fds (keep_fd, err) < 0)
    return -1;
  if (plan->nnp && seccomp_load_plan (plan, err) < 0)
    return -1;
  return 0;
}
