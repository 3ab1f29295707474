/* resort.c: see resort.h. */
#include <string.h>
#include <unistd.h>
#include "err.h"
#include "fmt.h"
#include "log.h"
#include "rcptlist.h"
#include "requeue.h"
#include "resort.h"
#include "route.h"

struct resort {
	struct queue *q;
	const struct sorting_routes *rt;
	struct rcptlist *l;
	char *buf, *copy;
	size_t size, csize;
	unsigned moved;
};

/* 1 when every recipient of l is still sorted under hop. */
static int still_there(const struct sorting_routes *rt, const struct rcptlist *l,
		       const char *hop, size_t hl)
{
	char out[SMTP_DOMAIN_SIZE + 1];
	const char *k;
	size_t i, at, n;

	for (i = 0; i < l->nrcpt; i++) {
		const struct rcptlist_rcpt *r = &l->rcpt[i];
		for (at = r->len; at && r->addr[at - 1] != '@'; at--)
			;
		k = sorting_key(rt, r->addr + at, r->len - at, out, &n);
		if (k != out || n != hl || memcmp(out, hop, hl))
			return 0;
	}
	return 1;
}

/* Hands list remote/name (of next hop hop) back, under the hop's lock. */
static void hand_back(struct resort *s, const struct rcptlist *l,
		      const char *name, const char *hop)
{
	char path[QUEUE_ID_SIZE + SMTP_DOMAIN_SIZE + 16];
	int lock = queue_lock_domain(s->q, hop), msgfd = -1;

	if (lock < 0) {
		if (lock == E_BUSY)
			log_line("remote/%s: its relay client runs; sorted "
				 "again at the next start", name);
		else
			err_warn(1, "unable to lock %s", hop);
		return;
	}
	fmt_into(path, sizeof path, "remote/%s", name);
	msgfd = queue_open_message(s->q, name, 0);
	if (msgfd < 0 || requeue_list(s->q, l, msgfd, s->copy, s->csize) < 0 ||
	    queue_finish(s->q, path, name) < 0) {
		err_warn(1, "unable to sort %s again (left as it is)", path);
	} else {
		s->moved++;
		log_line("%s: today's routes send it elsewhere: handed back "
			 "to the maildrop to be sorted again", path);
	}
	if (msgfd >= 0)
		close(msgfd);
	close(lock);
}

static int each(const char *name, void *arg)
{
	struct resort *s = arg;
	const char *hop = strchr(name, '.');
	long len;

	/* Its entry still in maildrop/: its sort, next, uses today's
	 * routes and replaces it. */
	if (!hop || !route_hop(hop + 1, strlen(hop + 1)) ||
	    queue_unsorted(s->q, name))
		return 0;
	hop++;
	len = queue_read(s->q, QUEUE_REMOTE, name, s->buf, s->size, 0);
	if (len < 0 || rcptlist_parse(s->l, s->buf, (size_t)len) < 0)
		return 0;          /* smtprc reports it, with its reason */
	if (!still_there(s->rt, s->l, hop, strlen(hop)))
		hand_back(s, s->l, name, hop);
	return 0;
}

unsigned resort_hops(struct queue *q, const struct sorting_routes *rt,
		     struct rcptlist *l, char *buf, size_t size, char *copy,
		     size_t csize)
{
	struct resort s = { q, rt, l, buf, copy, size, csize, 0 };

	if (queue_scan(q, QUEUE_REMOTE, each, &s) == E_SYS)
		err_warn(1, "unable to read remote/");
	return s.moved;
}
