/* reports.c: see reports.h. */
#include <errno.h>
#include <string.h>
#include "bounce.h"
#include "dsn.h"
#include "err.h"
#include "log.h"
#include "reports.h"

static struct bounce_rcpt chosen[RCPT_PER_LIST_MAX];

/* The recipients whose outcome is kind and whose NOTIFY wants a report
 * of type want, into chosen; those of that outcome it leaves out are
 * logged. Returns how many were chosen. */
static size_t choose(const struct reports *r, enum outcome_kind kind,
		     unsigned want, int delivered_only_without_dsn)
{
	const struct rcptlist *l = r->list;
	size_t i, n = 0;

	for (i = 0; i < l->nrcpt; i++) {
		const struct rcptlist_rcpt *p = &l->rcpt[i];
		if (r->out_of[i].kind != kind ||
		    (delivered_only_without_dsn && r->server_dsn))
			continue;
		if (!dsn_notify_wants(p->dsn.notify, want)) {
			if (want == DSN_NOTIFY_FAILURE)
				log_line("%s: <%.*s>: no failure report (NOTIFY "
					 "leaves it out)", r->name, (int)p->len,
					 p->addr);
			continue;
		}
		chosen[n].addr = p->addr;
		chosen[n].len = p->len;
		chosen[n].o = &r->out_of[i];
		chosen[n].dsn = &p->dsn;
		n++;
	}
	return n;
}

static int write_report(const struct reports *r, int action, size_t n)
{
	const struct rcptlist *l = r->list;
	struct bounce b;

	memset(&b, 0, sizeof b);
	b.action = action;
	b.dsn = &l->dsn;
	b.retry_until = l->queued + r->lifetime;
	b.reporting_mta = r->reporting_mta;
	b.remote_mta = r->remote_mta;
	b.sender = l->sender;
	b.sender_len = l->sender_len;
	b.id = r->name;
	b.queued = l->queued;
	b.now = r->now;
	b.rcpt = chosen;
	b.nrcpt = n;
	b.msgfd = r->msgfd;
	return bounce_write(r->q, &b) == 0 ? 1 : -1;
}

int reports_failed(const struct reports *r)
{
	size_t n = choose(r, OUTCOME_BOUNCED, DSN_NOTIFY_FAILURE, 0);

	if (!n)
		return 0;
	if (!r->list->sender_len) {
		err_warn(0, "message %s has a null sender: %zu bounced "
			 "recipient(s) dropped without a bounce", r->name, n);
		return 0;
	}
	return write_report(r, BOUNCE_FAILED, n);
}

int reports_relayed(const struct reports *r)
{
	size_t i, n = 0;

	if (!r->list->sender_len || r->server_dsn)
		return 0;
	/* Only NOTIFY=SUCCESS asks for this; not giving NOTIFY does not. */
	for (i = 0; i < r->list->nrcpt; i++)
		n += (r->list->rcpt[i].dsn.notify & DSN_NOTIFY_SUCCESS) &&
		     r->out_of[i].kind == OUTCOME_DELIVERED;
	if (!n)
		return 0;
	n = choose(r, OUTCOME_DELIVERED, DSN_NOTIFY_SUCCESS, 1);
	if (write_report(r, BOUNCE_RELAYED, n) < 0) {
		err_warn(1, "message %s: success report not written", r->name);
		return -1;
	}
	return 1;
}

int reports_delayed(const struct reports *r)
{
	const struct rcptlist *l = r->list;
	size_t n;

	if (!r->delay_warning || !l->sender_len ||
	    (unsigned long)r->now < l->queued + r->delay_warning ||
	    queue_message_noted(r->msgfd) != 0)
		return 0;
	n = choose(r, OUTCOME_DEFERRED, DSN_NOTIFY_DELAY, 0);
	if (!n)
		return 0;
	if (write_report(r, BOUNCE_DELAYED, n) < 0) {
		err_warn(1, "message %s: delay warning not written (a later "
			 "attempt tries again)", r->name);
		return -1;
	}
	/* Written and durable: mark the message, for every domain. */
	if (queue_message_note(r->msgfd) < 0)
		err_warn(1, "message %s: unable to mark the delay warning as "
			 "sent (another may follow)", r->name);
	return 1;
}
