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
	READFILE_TOO_BIG = -3,   /* the file has size bytes or more */
	READFILE_NOT_REGULAR = -4 /* readfile_queue: a symbolic link, FIFO,
				     device or folder (errno EFTYPE-like
				     ELOOP or EINVAL) */
};

/* Reads the file path, relative to the directory descriptor dir (or
 * AT_FDCWD), into buf[0..size), retrying EINTR and short reads. When st
 * is not null it receives the open file's status. Returns the length
 * (< size, so buf[len] may be written by the caller) or one of the
 * READFILE_* codes above. Blocks only on the file system. */
long readfile_at(int dir, const char *path, char *buf, size_t size,
		 struct stat *st);

/* The same for a file in the queue, which a less trusted writer may have
 * put there: never follows a symbolic link, never blocks on a FIFO or a
 * device, and reads only a regular file (else READFILE_NOT_REGULAR). A
 * queue file is never written in place (it is renamed there whole), so
 * the read stops at the length the open's fstat saw. */
long readfile_queue(int dir, const char *path, char *buf, size_t size,
		    struct stat *st);

/* Opens a queue file for reading the same careful way; *len (when len is
 * not null) gets its length in bytes. Returns the fd, or -1 (errno set;
 * ELOOP for a symbolic link, EINVAL for anything that is not a regular
 * file). */
int readfile_open_queue(int dir, const char *path, long long *len);

/* Reads up to size bytes at offset off of fd, retrying EINTR and short
 * reads until size bytes or the end. Returns the count (0 at the end) or
 * -1 (errno set). */
long readfile_pread(int fd, char *buf, size_t size, long long off);

/* The piece at off of a file whose length len is known (a queue file:
 * readfile_open_queue): min(size, len - off) bytes. Returns the count (0
 * at len), or -1 (errno set; EIO when the file ends sooner: a message is
 * never sent cut). */
long readfile_piece(int fd, char *buf, size_t size, long long off,
		    long long len);

#endif
