/* dirscan.h: reads a directory's entries into a fixed buffer, with no
 * allocation (opendir() allocates; this does not). */
#ifndef DIRSCAN_H
#define DIRSCAN_H

/* Calls each(name, arg) for every entry of the open directory dirfd except
 * "." and "..", from the start. each may unlink the entry. Stops early when
 * each returns nonzero and returns that value; returns 0 at the end, or
 * E_SYS when reading fails. Does not block beyond the file system. */
int dirscan(int dirfd, int (*each)(const char *name, void *arg), void *arg);

#endif
