/* wbuf.c: see wbuf.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "err.h"
#include "wbuf.h"

void wbuf_init(struct wbuf *w, int fd, char *buf, size_t size)
{
	w->fd = fd;
	w->buf = buf;
	w->size = size;
	w->len = 0;
	w->err = 0;
}

static void drain(struct wbuf *w)
{
	size_t off = 0;
	while (off < w->len && !w->err) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0) {
			if (errno != EINTR)
				w->err = errno;
			continue;
		}
		off += (size_t)n;
	}
	w->len = 0;
}

void wbuf_put(struct wbuf *w, const char *s, size_t n)
{
	while (n && !w->err) {
		size_t k = w->size - w->len;
		if (k > n)
			k = n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
		if (w->len == w->size)
			drain(w);
	}
}

void wbuf_puts(struct wbuf *w, const char *s)
{
	wbuf_put(w, s, strlen(s));
}

int wbuf_flush(struct wbuf *w)
{
	drain(w);
	if (w->err) {
		errno = w->err;
		return E_SYS;
	}
	return 0;
}
