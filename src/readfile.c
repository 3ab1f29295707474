/* readfile.c: see readfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "readfile.h"

int readfile_open_queue(int dir, const char *path, long long *len)
{
	struct stat st;
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (len)
		*len = (long long)st.st_size;
	return fd;
}

/* Reads the open fd whole; closes it. known: its length from an fstat
 * already made (a queue file, never written in place: the read ends
 * there without asking again), or -1. */
static long read_whole(int fd, char *buf, size_t size, struct stat *st,
		       long long known)
{
	size_t len = 0;
	int e;

	if (st && fstat(fd, st) < 0)
		goto fail;
	if (known >= (long long)size) {
		close(fd);
		return READFILE_TOO_BIG;
	}
	for (;;) {
		if (known >= 0 && len == (size_t)known)
			break;
		ssize_t n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size) {
			close(fd);
			return READFILE_TOO_BIG;
		}
	}
	close(fd);
	return (long)len;
fail:
	e = errno;
	close(fd);
	errno = e;
	return READFILE_ERROR;
}

long readfile_at(int dir, const char *path, char *buf, size_t size,
		 struct stat *st)
{
	int fd = openat(dir, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? READFILE_MISSING : READFILE_ERROR;
	return read_whole(fd, buf, size, st, -1);
}

long readfile_queue(int dir, const char *path, char *buf, size_t size,
		    struct stat *st)
{
	long long known;
	int fd = readfile_open_queue(dir, path, &known);

	if (fd < 0)
		return errno == ENOENT ? READFILE_MISSING
		     : errno == ELOOP || errno == EINVAL ? READFILE_NOT_REGULAR
		     : READFILE_ERROR;
	return read_whole(fd, buf, size, st, known);
}

long readfile_pread(int fd, char *buf, size_t size, long long off)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = pread(fd, buf + got, size - got, (off_t)(off + (long long)got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

long readfile_piece(int fd, char *buf, size_t size, long long off,
		    long long len)
{
	size_t want = off >= len ? 0 : len - off < (long long)size
		      ? (size_t)(len - off) : size;
	long n;

	if (!want)
		return 0;
	n = readfile_pread(fd, buf, want, off);
	if (n >= 0 && (size_t)n < want) {
		errno = EIO;
		return -1;
	}
	return n;
}
