/* wbuf.h: buffered writing to a file descriptor through a caller buffer.
 * The first error sticks; wbuf_flush reports it. Blocks on the file. */
#ifndef WBUF_H
#define WBUF_H

#include <stddef.h>

struct wbuf {
	int fd;
	char *buf;
	size_t size, len;
	int err;  /* errno of the first failure, 0 if none */
};

void wbuf_init(struct wbuf *w, int fd, char *buf, size_t size);
void wbuf_put(struct wbuf *w, const char *s, size_t n);
void wbuf_puts(struct wbuf *w, const char *s);
/* Writes what is buffered. Returns 0, or E_SYS with errno = w->err. */
int wbuf_flush(struct wbuf *w);

#endif
