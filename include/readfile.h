/* readfile.h: one whole-file reader for every small file the programs
 * read (configuration, run file, auth file, resolv.conf, recipient lists,
 * maildrop envelopes): into the caller's buffer, no allocation. */
#ifndef READFILE_H
#define READFILE_H

#include <stddef.h>
#include <sys/stat.h>

/* What readfile_at returns besides a length. */
enum {
	READFILE_MISSING = -1,   /* no such file (errno ENOENT) */
	READFILE_ERROR = -2,     /* open, stat or read failed (errno kept) */
	READFILE_TOO_BIG = -3    /* the file has size bytes or more */
};

/* Reads the file path, relative to the directory descriptor dir (or
 * AT_FDCWD), into buf[0..size), retrying EINTR and short reads. When st
 * is not null it receives the open file's status. Returns the length
 * (< size, so buf[len] may be written by the caller) or one of the
 * READFILE_* codes above. Blocks only on the file system. */
long readfile_at(int dir, const char *path, char *buf, size_t size,
		 struct stat *st);

/* Reads up to size bytes at offset off of fd, retrying EINTR and short
 * reads until size bytes or the end. Returns the count (0 at the end) or
 * -1 (errno set). */
long readfile_pread(int fd, char *buf, size_t size, long long off);

#endif
