/* Errors carry the failing step, its directive index, errno and the argument used. */
#ifndef MD_ERROR_H
#define MD_ERROR_H

#include <stddef.h>

struct directive;

/* Sent whole over the init's error pipe: keep sizeof() below PIPE_BUF so the write is atomic. */
struct md_error
{
  int index;        /* directive index in the plan, -1 when the step is no directive */
  int errnum;
  char step[16];    /* directive name, or exec / clone / cgroup / plan / ... */
  char arg[3000];
};

/* All return -1 so callers can write `return md_fail (...)`. */
int md_fail (struct md_error *err, int errnum, const char *step, const char *arg);
int md_fail_directive (struct md_error *err, const struct directive *d, int errnum, const char *arg);

/* "error <index> <step> <errno> <arg>\n" */
size_t md_error_format (const struct md_error *err, char *buf, size_t size);

/* Writes the formatted line to FD (errors such as EPIPE are ignored: the reader may be gone). */
void md_error_report (int fd, const struct md_error *err);

int md_error_send (int fd, const struct md_error *err);
/* 1: an error arrived, 0: EOF (the writer exec'd or exited), -1: read failed (errno set). */
int md_error_recv (int fd, struct md_error *err);

/* write() all of buf, retrying on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);

/* Writes TEXT to the existing file PATH in one write (cgroup and /proc files take a value whole); a failure
   is D's, naming PATH. */
int md_write_file (const struct directive *d, const char *path, const char *text, struct md_error *err);

#endif
