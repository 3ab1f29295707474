/* fmt.c: see fmt.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "fmt.h"

/* Where a format goes: buf[0..size), len counting every byte the whole
 * text has (past size too, as snprintf counts). */
struct sink {
	char *buf;
	size_t size, len;
};

static void put(struct sink *s, const char *p, size_t n)
{
	if (s->len < s->size) {
		size_t room = s->size - s->len;
		memcpy(s->buf + s->len, p, n < room ? n : room);
	}
	s->len += n;
}

static void fill(struct sink *s, char c, size_t n)
{
	while (n--)
		put(s, &c, 1);
}

/* v in base 10 or 16, with neg's minus, right-aligned in width by zero
 * (after the sign) or by spaces (before it). */
static void number(struct sink *s, unsigned long long v, int neg,
		   unsigned base, size_t width, char pad)
{
	char d[24];
	size_t i = sizeof d, n;

	do {
		d[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	n = sizeof d - i + (neg != 0);
	if (neg && pad == '0')
		put(s, "-", 1);
	if (width > n)
		fill(s, pad, width - n);
	if (neg && pad != '0')
		put(s, "-", 1);
	put(s, d + i, sizeof d - i);
}

/* One conversion at f (after its %); returns where the format goes on. */
static const char *convert(struct sink *s, const char *f, va_list *ap)
{
	size_t width = 0, prec = (size_t)-1;
	char pad = ' ';
	int lng = 0;
	const char *str;

	if (*f == '0')
		pad = *f++;
	while (*f >= '0' && *f <= '9')
		width = width * 10 + (size_t)(*f++ - '0');
	if (*f == '.') {
		int p = 0;
		if (*++f == '*') {
			p = va_arg(*ap, int);
			f++;
		} else
			while (*f >= '0' && *f <= '9')
				p = p * 10 + (*f++ - '0');
		prec = p < 0 ? (size_t)-1 : (size_t)p;
	}
	if (*f == 'z') {       /* size_t: an unsigned long's size on Linux */
		lng = 1;
		f++;
	}
	while (*f == 'l' && lng < 2) {
		lng++;
		f++;
	}
	switch (*f) {
	case 'd':
	case 'i': {
		long long v = lng > 1 ? va_arg(*ap, long long)
			    : lng ? va_arg(*ap, long) : va_arg(*ap, int);
		number(s, v < 0 ? 0ULL - (unsigned long long)v
			   : (unsigned long long)v, v < 0, 10, width, pad);
		break;
	}
	case 'u':
	case 'x': {
		unsigned long long v = lng > 1 ? va_arg(*ap, unsigned long long)
				     : lng ? va_arg(*ap, unsigned long)
				     : va_arg(*ap, unsigned);
		number(s, v, 0, *f == 'x' ? 16 : 10, width, pad);
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		fill(s, ' ', width > 1 ? width - 1 : 0);
		put(s, &c, 1);
		break;
	}
	case 's':
		str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)";
		{
			size_t n = prec == (size_t)-1 ? strlen(str)
							: strnlen(str, prec);
			fill(s, ' ', width > n ? width - n : 0);
			put(s, str, n);
		}
		break;
	case '%':
		put(s, "%", 1);
		break;
	default:           /* not in fmt.h's list: printed as it stands */
		put(s, "%", 1);
		if (!*f)
			return f;
		put(s, f, 1);
	}
	return f + 1;
}

int fmt_vinto(char *buf, size_t size, const char *f, va_list ap)
{
	struct sink s = { buf, size, 0 };
	va_list a;

	va_copy(a, ap);
	while (*f) {
		const char *pc = strchr(f, '%');
		size_t n = pc ? (size_t)(pc - f) : strlen(f);
		put(&s, f, n);
		f += n;
		if (*f == '%')
			f = convert(&s, f + 1, &a);
	}
	va_end(a);
	if (size)
		buf[s.len < size ? s.len : size - 1] = 0;
	return s.len > 0x7fffffff ? 0x7fffffff : (int)s.len;
}

int fmt_into(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = fmt_vinto(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* Standard output's buffer; err: the errno of a write that failed. */
static struct {
	char buf[OUT_BUF_SIZE];
	size_t len;
	int err;
} out;

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int out_flush(void)
{
	if (out.len && !out.err && write_all(1, out.buf, out.len) < 0)
		out.err = errno ? errno : EIO;
	out.len = 0;
	if (out.err)
		errno = out.err;
	return out.err ? -1 : 0;
}

int out_printf(const char *f, ...)
{
	va_list ap;
	size_t n;
	int again;

	for (again = 0; again < 2; again++) {
		va_start(ap, f);
		n = (size_t)fmt_vinto(out.buf + out.len, sizeof out.buf - out.len,
				     f, ap);
		va_end(ap);
		if (n < sizeof out.buf - out.len || !out.len) {
			/* It fitted, or it is cut at the buffer's size. */
			out.len += n < sizeof out.buf - out.len
				   ? n : sizeof out.buf - out.len - 1;
			break;
		}
		if (out_flush() < 0)
			return -1;
	}
	return out.err ? -1 : 0;
}

int out_puts(const char *str)
{
	size_t n = strlen(str);

	if (n >= sizeof out.buf - out.len && out_flush() < 0)
		return -1;
	if (n >= sizeof out.buf) {
		if (!out.err && write_all(1, str, n) < 0)
			out.err = errno ? errno : EIO;
		return out.err ? -1 : 0;
	}
	memcpy(out.buf + out.len, str, n);
	out.len += n;
	return out.err ? -1 : 0;
}

void out_exit(int status)
{
	out_flush();
	exit(status);
}

void fmt_fd(int fd, const char *f, ...)
{
	char line[OUT_LINE_SIZE];
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = (size_t)fmt_vinto(line, sizeof line, f, ap);
	va_end(ap);
	if (n >= sizeof line)
		n = sizeof line - 1;
	if (write_all(fd, line, n) < 0)
		return;    /* standard error is gone: nothing to tell it */
}

void fmt_text(int fd, const char *s)
{
	if (fd == 1)
		out_puts(s);
	else
		write_all(fd, s, strlen(s));
}
