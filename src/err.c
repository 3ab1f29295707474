/* err.c: see err.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"

const char *err_prog = "smtprc";

const char *err_str(int e)
{
	switch (e) {
	case E_OK: return "success";
	case E_SYS: return strerror(errno);
	case E_NOMEM: return "a fixed capacity was exceeded";
	case E_REPLY_LONG: return "protocol error: reply line longer than 512 bytes";
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
	case E_NODNS: return "DNS look-up is not built in yet";
	}
	return "unknown error";
}

static void say(const char *kind, int with_errno, const char *fmt, va_list ap)
{
	char msg[512];
	int e = errno;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno)
		fprintf(stderr, "%s: %s: %s: %s\n", err_prog, kind, msg, strerror(e));
	else
		fprintf(stderr, "%s: %s: %s\n", err_prog, kind, msg);
}

void err_fatal(int status, int with_errno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("fatal", with_errno, fmt, ap);
	va_end(ap);
	exit(status);
}

void err_warn(int with_errno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("warning", with_errno, fmt, ap);
	va_end(ap);
}
