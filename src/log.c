/* log.c: see log.h. Compiled only with CONFIG_LOG=1. */
#include "config.h"
#if CONFIG_LOG
#include <stdarg.h>
#include <string.h>
#include "err.h"
#include "fmt.h"
#include "log.h"

int log_verbose;

void log_wire(char dir, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	if (!log_verbose)
		return;
	while (p < end) {
		size_t n;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		char line[SMTP_REPLY_LINE_SIZE + 8];
		fmt_into(line, sizeof line, "%c %.*s", dir, (int)n, p);
		err_line(6, line);
		p = nl ? nl + 1 : end;
	}
}

void log_line(const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	fmt_vinto(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_line(LOG_AT_INFO, msg);
}

void log_at(int severity, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	fmt_vinto(msg, sizeof msg, fmt, ap);
	va_end(ap);
	err_line(severity, msg);
}
#endif
