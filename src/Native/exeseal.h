/* The process that enters a container must never be the helper's file on disk (CVE-2019-5736). */
#ifndef MD_EXESEAL_H
#define MD_EXESEAL_H

#include "error.h"

/* Returns 0 when this process already runs from a sealed copy (the engine launches the helper
   from one); otherwise re-execs ARGV from a new sealed memfd copy of /proc/self/exe and returns
   only on failure (-1, ERR set). */
int exeseal_ensure (char **argv, struct md_error *err);

#endif
