/* readfile.c: see readfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "readfile.h"

int readfile_open_queue(int dir, const char *path)
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
	return fd;
}

/* Reads the open fd whole; closes it. */
static long read_whole(int fd, char *buf, size_t size, struct stat *st)
{
	size_t len = 0;
	int e;

	if (st && fstat(fd, st) < 0)
		goto fail;
	for (;;) {
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
	return read_whole(fd, buf, size, st);
}

long readfile_queue(int dir, const char *path, char *buf, size_t size,
		    struct stat *st)
{
	int fd = readfile_open_queue(dir, path);

	if (fd < 0)
		return errno == ENOENT ? READFILE_MISSING
		     : errno == ELOOP || errno == EINVAL ? READFILE_NOT_REGULAR
		     : READFILE_ERROR;
	return read_whole(fd, buf, size, st);
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
