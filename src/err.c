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

const char *err_str(int e)
{
	switch (e) {
	case E_OK: return "success";
	case E_SYS: return strerror(errno);
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
		fmt_into(line, sizeof line, "%s: %s: %s", kind, msg, strerror(e));
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
