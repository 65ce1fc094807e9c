/* Rootless storage: chown and delete as root of a user namespace with the subordinate range mapped. */
#ifndef MD_IDSHIFT_H
#define MD_IDSHIFT_H

/* mdhelper userns ...: see idshift.c. The exit code of the process. */
int mode_userns (int argc, char **argv);

#endif
