/* After runc's libcontainer/exeseal: a memfd copy with every seal, so nothing that reaches
   /proc/PID/exe of a helper process (a `#!/proc/self/exe` script in the container) can write the
   binary the next container start runs as host root. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exeseal.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

static int
is_sealed (int fd)
{
  int seals = fcntl (fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

static int
copy_all (int from, int to, off_t size)
{
  off_t done = 0;
  while (done < size)
    {
      ssize_t n = sendfile (to, from, NULL, (size_t) (size - done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n == 0 ? (errno = EIO, -1) : -1;
      done += n;
    }
  return 0;
}

int
exeseal_ensure (char **argv, struct md_error *err)
{
  struct stat st;
  int self, copy, saved;

  self = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return md_fail (err, errno, "exeseal", "/proc/self/exe");
  if (is_sealed (self))
    {
      close (self);
      return 0;
    }
  /* MFD_EXEC: kernels with vm.memfd_noexec would otherwise make the copy non-executable. */
  copy = memfd_create ("mdhelper", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (copy < 0 && errno == EINVAL)
    copy = memfd_create ("mdhelper", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (copy < 0)
    {
      saved = errno;
      close (self);
      return md_fail (err, saved, "exeseal", "memfd_create");
    }
  if (fstat (self, &st) < 0 || copy_all (self, copy, st.st_size) < 0)
    {
      saved = errno;
      close (self);
      close (copy);
      return md_fail (err, saved, "exeseal", "copy");
    }
  close (self);
  /* The new process checks the same seals on /proc/self/exe: no re-exec loop. */
  if (fcntl (copy, F_ADD_SEALS, SEALS) < 0 || !is_sealed (copy))
    {
      saved = errno;
      close (copy);
      return md_fail (err, saved, "exeseal", "F_ADD_SEALS");
    }
  fexecve (copy, argv, environ);
  saved = errno;
  close (copy);
  /* ENOEXEC for a byte-identical copy of the running binary: the kernel is not what runs it (a
     user-mode emulator such as qemu-user without binfmt_misc). There /proc/PID/exe names the
     emulator, never this file, so going on from the file weakens nothing. */
  if (saved == ENOEXEC)
    return 0;
  return md_fail (err, saved, "exeseal", "fexecve");
}
