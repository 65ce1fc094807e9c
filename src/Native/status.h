/* Exit status: 128+N for a signal, recorded atomically in the exit file. */
#ifndef MD_STATUS_H
#define MD_STATUS_H

#include <stdbool.h>

#include "error.h"

int status_exit_code (int wait_status);
/* "CODE\n", then "dropped N\n" when the log lost N bytes (a full disk). */
int status_write_exit_file (const char *path, int code, unsigned long dropped, struct md_error *err);

#endif
