/* ocipeer: an OCI runtime doing a MiniDocker default container's work, as Podman drives crun, for
   bench/Invoke-Benchmark.ps1's "configured like MiniDocker" rows.

     ocipeer [-i] RUNTIME STATEDIR BUNDLE LOWERDIR

   Per run, like a MiniDocker container's Create/Start/Remove: makes a fresh upper and work dir
   (BUNDLE/run-PID), mounts an overlay of LOWERDIR on BUNDLE/rootfs (nodev, as the engine's), runs
   `RUNTIME --root STATEDIR run -b BUNDLE ID` with its output in a log file there (-i: on our own
   stdout and stderr, for the bench's protection probe), waits for it, unmounts the overlay and
   removes the run's directory. Timing this program times only that work: no shell starts.
   Exits with the runtime's exit code (the container's). Built by the bench with cc; no dependencies. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
die (const char *what)
{
  fprintf (stderr, "ocipeer: %s: %s\n", what, strerror (errno));
  exit (125);
}

static int
remove_one (const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void) st;
  (void) ftw;
  if ((type == FTW_DP ? rmdir (path) : unlink (path)) < 0)
    die (path);
  return 0;
}

int
main (int argc, char **argv)
{
  char run[2048], upper[2100], work[2100], target[2100], log[2100], data[8192], id[64];
  const char *runtime, *state, *bundle, *lower;
  int inherit = 0, status, code;
  pid_t pid;

  if (argc > 1 && strcmp (argv[1], "-i") == 0)
    {
      inherit = 1;
      argv++;
      argc--;
    }
  if (argc != 5)
    {
      fputs ("usage: ocipeer [-i] RUNTIME STATEDIR BUNDLE LOWERDIR\n", stderr);
      return 2;
    }
  runtime = argv[1];
  state = argv[2];
  bundle = argv[3];
  lower = argv[4];
  if (strlen (bundle) > 1024 || strlen (lower) > 1024)
    {
      fputs ("ocipeer: BUNDLE and LOWERDIR must be shorter than 1024 bytes\n", stderr);
      return 2;
    }
  snprintf (run, sizeof run, "%s/run-%d", bundle, (int) getpid ());
  snprintf (upper, sizeof upper, "%s/upper", run);
  snprintf (work, sizeof work, "%s/work", run);
  snprintf (target, sizeof target, "%s/rootfs", bundle);
  snprintf (log, sizeof log, "%s/container.log", run);
  /* Distinct per run: parallel slots share the state dir. */
  snprintf (id, sizeof id, "ocipeer-%d", (int) getpid ());

  if (mkdir (run, 0700) < 0 || mkdir (upper, 0755) < 0 || mkdir (work, 0700) < 0)
    die (run);
  snprintf (data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
  if (mount ("overlay", target, "overlay", MS_NODEV, data) < 0)
    die ("mount overlay");

  pid = fork ();
  if (pid < 0)
    die ("fork");
  if (pid == 0)
    {
      /* The container's output goes to a log, as MiniDocker's monitor (and conmon) keep it. */
      int in = open ("/dev/null", O_RDONLY | O_CLOEXEC), out = inherit ? 1 : open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (in < 0 || out < 0 || dup2 (in, 0) < 0 || (!inherit && (dup2 (out, 1) < 0 || dup2 (out, 2) < 0)))
        die (log);
      execlp (runtime, runtime, "--root", state, "run", "-b", bundle, id, (char *) NULL);
      die (runtime);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die ("waitpid");
  code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);

  if (umount2 (target, 0) < 0)
    die ("umount overlay");
  if (nftw (run, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
    die (run);
  return code;
}
