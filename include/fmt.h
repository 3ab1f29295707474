/* fmt.h: the programs' formatting, into a buffer, to standard output and
 * to a descriptor, without libc's stdio. musl's vfprintf and its FILE
 * machinery are 8 KB of the armhf binary (11 KB on MIPS), for floating
 * point and wide characters this never prints.
 *
 * The conversions: %% %c %s %d %i %u %x; a precision for %s (digits or *,
 * an int: %.*s); the length modifiers l, ll and z; a field width in
 * digits, with a 0 flag for zeros (%02lu). Nothing else: -Wformat checks
 * every call against its arguments, and a conversion not listed is
 * printed as it stands (a test finds it).
 *
 * Standard output is buffered in OUT_BUF_SIZE bytes (wbuf.h, whose first
 * write error sticks): out_flush() writes
 * it, and so do out_exit() and err_fatal(); main() flushes after the
 * program returns. */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

#define FMT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* snprintf's contract: at most size bytes written into buf, always
 * NUL-terminated when size > 0; returns the length the whole text has
 * (size or more: it was cut). */
int fmt_into(char *buf, size_t size, const char *f, ...) FMT_PRINTF(3, 4);
int fmt_vinto(char *buf, size_t size, const char *f, va_list ap)
	FMT_PRINTF(3, 0);

/* v in decimal at out, without a NUL; returns its length (at most
 * FMT_ULONG_SIZE: an unsigned long of 64 bits). */
#define FMT_ULONG_SIZE 20 /* unit: bytes */
size_t fmt_ulong(char *out, unsigned long v);

/* Formats into standard output's buffer (a text longer than
 * OUT_BUF_SIZE is cut there). Returns 0, or -1 when a write failed. */
int out_printf(const char *f, ...) FMT_PRINTF(1, 2);
/* The string, as it is. */
int out_puts(const char *s);
/* Writes what is buffered. Returns 0 or -1 (errno set). */
int out_flush(void);
/* out_flush(), then exit(status). */
void out_exit(int status) __attribute__((noreturn));

/* Formats (at most OUT_LINE_SIZE bytes) and writes to fd at once. */
void fmt_fd(int fd, const char *f, ...) FMT_PRINTF(2, 3);
/* The string to standard output's buffer (fd 1), else to fd at once. */
void fmt_text(int fd, const char *s);

#endif
