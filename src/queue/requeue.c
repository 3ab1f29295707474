/* requeue.c: see requeue.h. */
#include <errno.h>
#include <unistd.h>
#include "err.h"
#include "maildrop.h"
#include "requeue.h"
#include "wbuf.h"

int requeue_list(struct queue *q, const struct rcptlist *l, int msgfd,
		 char *buf, size_t size)
{
	/* Static, not on the stack: the caller's scan is deep already. */
	static const char *rcpt[RCPT_PER_LIST_MAX];
	static size_t len[RCPT_PER_LIST_MAX];
	static struct dsn_rcpt dsn[RCPT_PER_LIST_MAX];
	size_t i, half = size / 2;
	char id[QUEUE_ID_SIZE];
	struct queue_tmp t;
	struct wbuf w;
	off_t off = 0;
	ssize_t n;

	for (i = 0; i < l->nrcpt; i++) {
		rcpt[i] = l->rcpt[i].addr;
		len[i] = l->rcpt[i].len;
		dsn[i] = l->rcpt[i].dsn;
	}
	if (queue_tmp_open(q, &t) < 0)
		return E_SYS;
	queue_new_id(q, id);
	/* One half of buf buffers the writes, the other takes the reads. */
	wbuf_init(&w, t.fd, buf, half);
	maildrop_put_envelope(&w, l->sender, l->sender_len, rcpt, len,
			      l->nrcpt, l->version == 2 ? &l->dsn : 0,
			      l->version == 2 ? dsn : 0);
	while ((n = pread(msgfd, buf + half, size - half, off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			w.err = w.err ? w.err : errno;
			break;
		}
		wbuf_put(&w, buf + half, (size_t)n);
		off += n;
	}
	if (wbuf_flush(&w) < 0) {
		int e = errno;
		queue_tmp_abort(q, &t);
		errno = e;
		return E_SYS;
	}
	return queue_tmp_commit_entry(q, &t, id);
}
