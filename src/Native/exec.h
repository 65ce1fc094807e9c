/* mdhelper exec: runs a command inside a running container (docs/launch-plan.md, "Exec"). */
#ifndef MD_EXEC_H
#define MD_EXEC_H

#include "plan.h"

/* Exit code of `mdhelper exec` when the command never ran (the error is in the errorfile). */
#define EXEC_FAILED 125

/* Joins the target's cgroups and namespaces, forks the command into them and waits for it;
   returns the command's exit code (128+N on signal N) or EXEC_FAILED. */
int exec_run (const struct plan *plan);

#endif
