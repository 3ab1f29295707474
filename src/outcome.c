/* outcome.c: see outcome.h. */
#include <string.h>
#include "outcome.h"

static void copy(char *d, size_t size, const char *s)
{
	size_t n = strlen(s);
	if (n >= size)
		n = size - 1;
	memcpy(d, s, n);
	d[n] = 0;
}

void outcome_set(struct outcome *o, enum outcome_kind kind,
		 const char *status, const char *diag)
{
	o->kind = kind;
	copy(o->status, sizeof o->status, status);
	copy(o->diag, sizeof o->diag, diag);
	o->from_server = 0;
	o->dup_risk = 0;
}

#define NAMED(fn, kind, status) \
	void fn(struct outcome *o, const char *diag) \
	{ outcome_set(o, kind, status, diag); }

NAMED(outcome_dns_failed, OUTCOME_DEFERRED, "4.4.3")
NAMED(outcome_no_address, OUTCOME_DEFERRED, "4.4.4")
NAMED(outcome_connect_failed, OUTCOME_DEFERRED, "4.4.1")
NAMED(outcome_connection_lost, OUTCOME_DEFERRED, "4.4.2")
NAMED(outcome_local_error, OUTCOME_DEFERRED, "4.3.0")
NAMED(outcome_config_error, OUTCOME_DEFERRED, "4.3.5")
NAMED(outcome_tls_failed, OUTCOME_DEFERRED, "4.7.5")
NAMED(outcome_tls_missing, OUTCOME_DEFERRED, "4.7.10")
NAMED(outcome_auth_failed, OUTCOME_DEFERRED, "4.7.8")
NAMED(outcome_bad_address, OUTCOME_BOUNCED, "5.1.3")
NAMED(outcome_bad_domain, OUTCOME_BOUNCED, "5.1.2")
NAMED(outcome_no_mail_service, OUTCOME_BOUNCED, "5.1.10")
NAMED(outcome_loop, OUTCOME_BOUNCED, "5.4.6")
NAMED(outcome_not_convertible, OUTCOME_BOUNCED, "5.6.3")
NAMED(outcome_needs_smtputf8, OUTCOME_BOUNCED, "5.6.7")

void outcome_unusable_domain(struct outcome *o)
{
	outcome_bad_domain(o, "bad destination system address: not a usable "
			   "domain (RFC 5321 sections 4.1.2 and 4.1.3)");
}

void outcome_session_ended(struct outcome *o, const struct smtp_result *last,
			   const char *why)
{
	char st[12];

	if (last->code != 421) {
		outcome_connection_lost(o, why);
		return;
	}
	outcome_set(o, OUTCOME_DEFERRED, smtp_reply_status(last->text, st)
			? st : "4.4.2", last->text);
	o->from_server = 1;
}

int outcome_is_no_address(const struct outcome *o)
{
	return o->kind == OUTCOME_DEFERRED && !strcmp(o->status, "4.4.4");
}

/* Maps one reply where success is `want` (a code, or 2 for any 2xx).
 * Returns 1 when the step succeeded, else fills o and returns 0. */
static int step(const struct smtp_result *r, int want,
		const struct smtp_txn *t, struct outcome *o)
{
	char st[12];

	if (r->code == 0) {
		/* No reply: lost connection, time-out, protocol error. */
		outcome_connection_lost(o, t->fail.text[0] ? t->fail.text
					    : "connection lost before the reply");
		return 0;
	}
	if (want == 2 ? r->code / 100 == 2 : r->code == want)
		return 1;
	if (r->code >= 500) {
		outcome_set(o, OUTCOME_BOUNCED,
			    smtp_reply_status(r->text, st) ? st : "5.0.0", r->text);
	} else if (r->code >= 400) {
		outcome_set(o, OUTCOME_DEFERRED,
			    smtp_reply_status(r->text, st) ? st : "4.0.0", r->text);
	} else {
		/* A success code where another was due: the dialogue is
		 * out of step; never treat that as delivery. */
		outcome_set(o, OUTCOME_DEFERRED, "4.5.0", r->text);
	}
	o->from_server = 1;
	return 0;
}

/* A recipient's reply. RFC 5321 section 4.5.3.1.10: a client treats 552
 * to RCPT as temporary (a server out of recipients for this transaction
 * may say 552 5.5.3 where 452 4.5.3 is due): deferred, class 4, the
 * detail kept. */
static int rcpt_step(const struct smtp_result *r, const struct smtp_txn *t,
		     struct outcome *o)
{
	if (step(r, 2, t, o))
		return 1;
	if (r->code == 552) {
		o->kind = OUTCOME_DEFERRED;
		o->status[0] = '4';
	}
	return 0;
}

int outcome_is_too_many(const struct outcome *o)
{
	return o->kind == OUTCOME_DEFERRED && o->from_server &&
	       (!strncmp(o->diag, "452", 3) || !strncmp(o->diag, "552", 3)) &&
	       (!strcmp(o->status, "4.5.3") || !strcmp(o->status, "4.0.0"));
}

/* What a deferral after a lost dot reply says at the end of its text. */
static const char dup_note[] = " (after the final dot: possible duplicate)";

int outcome_dup_unsaid(const struct outcome *o)
{
	size_t n = strlen(o->diag), k = sizeof dup_note - 1;

	return o->dup_risk && (n < k || memcmp(o->diag + n - k, dup_note, k));
}

void outcome_rcpt(const struct smtp_txn *t, size_t i, struct outcome *o)
{
	char st[12];

	if (t->size_refused) {
		outcome_set(o, OUTCOME_BOUNCED, "5.3.4",
			    "message size exceeds the limit the server "
			    "announced (SIZE); not sent");
		return;
	}
	if (!step(&t->mail, 2, t, o) || !rcpt_step(&t->rcpt[i].res, t, o) ||
	    !step(&t->data, 354, t, o))
		return;
	if (!step(&t->dot, 2, t, o)) {
		if (t->dot.code == 0 && t->dot_sent) {
			/* The server may have taken the message: say so. */
			size_t n = strlen(o->diag);
			if (n > sizeof o->diag - sizeof dup_note)
				n = sizeof o->diag - sizeof dup_note;
			memcpy(o->diag + n, dup_note, sizeof dup_note);
			o->dup_risk = 1;
		}
		return;
	}
	outcome_set(o, OUTCOME_DELIVERED,
		    smtp_reply_status(t->dot.text, st) ? st : "2.0.0",
		    t->dot.text);
	o->from_server = 1;
}

void outcome_expire(struct outcome *o, unsigned long age,
		    unsigned long lifetime)
{
	char diag[SMTP_DIAG_SIZE];
	static const char pre[] = "delivery time expired; last error: ";
	size_t n;

	if (o->kind != OUTCOME_DEFERRED || age <= lifetime)
		return;
	o->kind = OUTCOME_BOUNCED;
	/* Keep the last temporary status: RFC 3463 4.4.7 when there is none
	 * better (a DSN's Action "failed" with a 4.x.x status is what
	 * deployed MTAs send for expiry). */
	if (o->status[0] != '4')
		copy(o->status, sizeof o->status, "4.4.7");
	memcpy(diag, pre, sizeof pre - 1);
	n = strlen(o->diag);
	if (n > sizeof diag - sizeof pre)
		n = sizeof diag - sizeof pre;
	memcpy(diag + sizeof pre - 1, o->diag, n);
	diag[sizeof pre - 1 + n] = 0;
	copy(o->diag, sizeof o->diag, diag);
	o->from_server = 0;
}

const char *outcome_name(enum outcome_kind k)
{
	return k == OUTCOME_DELIVERED ? "delivered"
	     : k == OUTCOME_DEFERRED ? "deferred" : "bounced";
}
