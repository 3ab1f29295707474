/* fmt.c: see fmt.h. */
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "fmt.h"
#include "wbuf.h"

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

size_t fmt_ulong(char *out, unsigned long v)
{
	char d[FMT_ULONG_SIZE];
	size_t i = sizeof d;

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(out, d + i, sizeof d - i);
	return sizeof d - i;
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

/* Standard output: the project's buffered writer (wbuf.h) on fd 1. */
static char out_buf[OUT_BUF_SIZE];
static struct wbuf out = { 1, out_buf, sizeof out_buf, 0, 0 };

int out_flush(void)
{
	return wbuf_flush(&out) < 0 ? -1 : 0;
}

int out_printf(const char *f, ...)
{
	va_list ap;
	size_t n, room;
	int again;

	/* Formatted in place; when it does not fit, once more after a
	 * flush, and cut when it does not fit a whole buffer either. */
	for (again = 0; again < 2 && !out.err; again++) {
		room = out.size - out.len;
		va_start(ap, f);
		n = (size_t)fmt_vinto(out.buf + out.len, room, f, ap);
		va_end(ap);
		if (n < room || !out.len) {
			out.len += n < room ? n : room - 1;
			break;
		}
		wbuf_flush(&out);
	}
	return out.err ? -1 : 0;
}

int out_puts(const char *str)
{
	wbuf_puts(&out, str);
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
	struct wbuf w;
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = (size_t)fmt_vinto(line, sizeof line, f, ap);
	va_end(ap);
	wbuf_init(&w, fd, line, sizeof line);
	w.len = n < sizeof line ? n : sizeof line - 1;   /* already there */
	wbuf_flush(&w);    /* standard error gone: nothing to tell it */
}

void fmt_text(int fd, const char *s)
{
	char buf[256];
	struct wbuf w;

	if (fd == 1) {
		out_puts(s);
		return;
	}
	wbuf_init(&w, fd, buf, sizeof buf);
	wbuf_puts(&w, s);
	wbuf_flush(&w);
}
