/* trigger.c: see trigger.h. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "trigger.h"

int trigger_path(const char *name, const char *semdir, char *out, size_t size)
{
	size_t n = 0, i;
	const char *p = name;

	if (name[0] != '\\') {
		if (strlen(name) >= size)
			return -1;
		memcpy(out, name, strlen(name) + 1);
		return 0;
	}
	if (!strncasecmp(p, "\\SEM32\\", 7))
		p += 7;
	else
		p++;
	if (strlen(semdir) + 1 + strlen(p) >= size)
		return -1;
	memcpy(out, semdir, strlen(semdir));
	n = strlen(semdir);
	out[n++] = '/';
	for (i = 0; p[i]; i++)
		out[n++] = p[i] == '\\' ? '/' : p[i];
	out[n] = 0;
	return 0;
}

int trigger_signal(const char *path)
{
	return trigger_signal_byte(path, '!');
}

int trigger_signal_byte(const char *path, char byte)
{
	struct sigaction ign, old;
	ssize_t w;
	struct stat st;
	int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return errno == ENXIO ? 0 : -1;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* The reader may die between our open and our write (kill -9 of a
	 * daemon): that write raises SIGPIPE, which must not kill a sendmail
	 * whose message is already safe. EPIPE then means "no reader". */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	w = write(fd, &byte, 1);
	if (w < 0 && errno == EPIPE)
		w = 1;
	sigaction(SIGPIPE, &old, 0);
	/* EAGAIN: the FIFO is full, so the reader is already woken. */
	if (w < 0 && errno != EAGAIN) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}
