/* err.c: see err.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "err.h"
#include "fmt.h"

const char *err_prog = "smtprc";

/* The errno values a queue, a socket or a process can meet, and their
 * texts (musl's wording) in the same order, NUL after each: a third of
 * libc's strerror table. */
static const unsigned short errno_codes[] = {
	EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO,
	E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN, ENOMEM,
	EACCES, EFAULT, EBUSY, EEXIST, EXDEV, ENODEV,
	ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOTTY,
	ETXTBSY, EFBIG, ENOSPC, ESPIPE, EROFS, EMLINK,
	EPIPE, ENAMETOOLONG, ENOLCK, ENOSYS, ENOTEMPTY, ELOOP,
	EOVERFLOW, EPROTO, ENOTSOCK, EMSGSIZE, EOPNOTSUPP, EAFNOSUPPORT,
	EADDRINUSE, EADDRNOTAVAIL, ENETDOWN, ENETUNREACH, ECONNABORTED, ECONNRESET,
	ENOBUFS, ENOTCONN, ETIMEDOUT, ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH,
	EINPROGRESS, ESTALE, EDQUOT
};
static const char errno_texts[] =
	"Operation not permitted\0"
	"No such file or directory\0"
	"No such process\0"
	"Interrupted system call\0"
	"I/O error\0"
	"No such device or address\0"
	"Argument list too long\0"
	"Exec format error\0"
	"Bad file descriptor\0"
	"No child process\0"
	"Resource temporarily unavailable\0"
	"Out of memory\0"
	"Permission denied\0"
	"Bad address\0"
	"Resource busy\0"
	"File exists\0"
	"Cross-device link\0"
	"No such device\0"
	"Not a directory\0"
	"Is a directory\0"
	"Invalid argument\0"
	"Too many open files in system\0"
	"No file descriptors available\0"
	"Not a tty\0"
	"Text file busy\0"
	"File too large\0"
	"No space left on device\0"
	"Invalid seek\0"
	"Read-only file system\0"
	"Too many links\0"
	"Broken pipe\0"
	"Filename too long\0"
	"No locks available\0"
	"Function not implemented\0"
	"Directory not empty\0"
	"Symbolic link loop\0"
	"Value too large for data type\0"
	"Protocol error\0"
	"Not a socket\0"
	"Message too large\0"
	"Not supported\0"
	"Address family not supported by protocol\0"
	"Address in use\0"
	"Address not available\0"
	"Network is down\0"
	"Network unreachable\0"
	"Connection aborted\0"
	"Connection reset by peer\0"
	"No buffer space available\0"
	"Socket not connected\0"
	"Operation timed out\0"
	"Connection refused\0"
	"Host is down\0"
	"Host is unreachable\0"
	"Operation in progress\0"
	"Stale file handle\0"
	"Quota exceeded\0";

const char *err_errno(int e)
{
	static char other[24];
	const char *t = errno_texts;
	size_t i;

	for (i = 0; i < sizeof errno_codes / sizeof errno_codes[0]; i++) {
		if (errno_codes[i] == e)
			return t;
		t += strlen(t) + 1;
	}
	fmt_into(other, sizeof other, "error %d", e);
	return other;
}

const char *err_str(int e)
{
	switch (e) {
	case E_OK: return "success";
	case E_SYS: return err_errno(errno);
	case E_NOMEM: return "a fixed capacity was exceeded";
	case E_REPLY_CODE: return "protocol error: reply code is not three digits 2xx-5xx";
	case E_REPLY_MIXED: return "protocol error: multi-line reply with mixed codes";
	case E_REPLY_LINES: return "protocol error: reply has too many lines";
	case E_REPLY_SYNTAX: return "protocol error: malformed reply line";
	case E_TIMEOUT: return "timed out";
	case E_LOST: return "connection lost";
	case E_GREETING: return "server refused the session";
	case E_HELLO: return "server refused EHLO and HELO";
	case E_PROTOCOL: return "protocol error";
	case E_LIST: return "malformed recipient list";
	case E_CONNECT: return "no server could be reached";
	case E_UNEXPECTED: return "protocol error: reply nobody asked for";
	case E_NODNS: return "DNS look-up failed";
	case E_TLS: return "TLS failed";
	case E_AUTH: return "authentication failed";
	case E_NOTLS: return "TLS is required and the server does not offer it";
	case E_BUSY: return "locked by another process";
	}
	return "unknown error";
}

/* syslog(3) without the C library's: one datagram to /dev/log, facility
 * mail, "<PRI>PROG[PID]: TEXT"; no connection state kept. */
static int to_syslog(int severity, const char *text)
{
	struct sockaddr_un sa;
	char buf[900];
	int fd, n, ok;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, "/dev/log");
	n = fmt_into(buf, sizeof buf, "<%d>%s[%ld]: %s", 2 * 8 + severity,
		     err_prog, (long)getpid(), text);
	if (n < 0)
		return -1;
	if (n >= (int)sizeof buf)
		n = (int)sizeof buf - 1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	ok = sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&sa, sizeof sa) == n;
	close(fd);
	return ok ? 0 : -1;
}

char *err_printable(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < size; i++)
		dst[i] = (unsigned char)src[i] < 32 || src[i] == 127 ? '?' : src[i];
	dst[i] = 0;
	return dst;
}

void err_line(int severity, const char *raw)
{
	static int mode = -1;
	char line[1100];
	size_t p = strlen(err_prog) + 2, n;

	/* "PROG: TEXT\n" in one buffer, TEXT printable; one write a line:
	 * lines of processes sharing the descriptor never interleave. */
	memcpy(line, err_prog, p - 2);
	memcpy(line + p - 2, ": ", 2);
	err_printable(line + p, sizeof line - p - 1, raw);
	if (mode < 0) {
		const char *v = getenv("SMTPRC_SYSLOG");
		mode = v && *v && *v != '0';
	}
	if (mode && to_syslog(severity, line + p) == 0)
		return;
	n = p + strlen(line + p);
	line[n++] = '\n';
	if (write(2, line, n) < 0)
		return;   /* nowhere left to say it */
}

static void say_msg(const char *kind, int with_errno, const char *msg)
{
	char line[640];
	int e = errno;
	if (with_errno)
		fmt_into(line, sizeof line, "%s: %s: %s", kind, msg, err_errno(e));
	else
		fmt_into(line, sizeof line, "%s: %s", kind, msg);
	err_line(kind[0] == 'f' ? 3 : 4, line);
}

void (*err_fatal_hook)(int status, const char *msg);

void err_fatal(int status, int with_errno, const char *fmt, ...)
{
	char msg[512];
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	fmt_vinto(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errno = e;
	say_msg("fatal", with_errno, msg);
	if (err_fatal_hook)
		err_fatal_hook(status, msg);
	out_exit(status);    /* what was printed goes out first */
}

void err_warn(int with_errno, const char *fmt, ...)
{
	char msg[512];
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	fmt_vinto(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errno = e;
	say_msg("warning", with_errno, msg);
}
