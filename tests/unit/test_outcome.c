/* test_outcome.c: outcome.h, the one map from what happened to
 * delivered, deferred or bounced. */
#include "err.h"
#include "locate.h"
#include "opt.h"
#include "outcome.h"
#include "trigger.h"
#include "unit.h"

static void set(struct smtp_result *r, int code, const char *text)
{
	r->code = code;
	snprintf(r->text, sizeof r->text, "%s", text);
}

static void outcomes(void)
{
	struct smtp_txn_rcpt rc[1];
	struct smtp_txn t;
	struct outcome o;

	memset(&t, 0, sizeof t);
	t.rcpt = rc;
	t.nrcpt = 1;
	memset(rc, 0, sizeof rc);
	set(&t.mail, 250, "250 ok");
	set(&rc[0].res, 250, "250 ok");
	set(&t.data, 354, "354 go");
	set(&t.dot, 250, "250 2.0.0 queued");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DELIVERED && !strcmp(o.status, "2.0.0"));
	set(&t.dot, 452, "452 insufficient storage");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DEFERRED && !strcmp(o.status, "4.0.0"));
	set(&t.dot, 552, "552 too big");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_BOUNCED && !strcmp(o.status, "5.0.0"));
	/* No reply after the dot: deferred, possible duplicate. */
	t.dot.code = 0;
	t.dot_sent = 1;
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DEFERRED && o.dup_risk);
	CHECK(!outcome_dup_unsaid(&o));
	/* A full text keeps the words at its end; an expiry's prefix then
	 * pushes them out, and the log line must add them. */
	memset(t.fail.text, 'x', sizeof t.fail.text - 1);
	t.fail.text[sizeof t.fail.text - 1] = 0;
	outcome_rcpt(&t, 0, &o);
	CHECK(o.dup_risk && !outcome_dup_unsaid(&o));
	outcome_expire(&o, 2, 1);
	CHECK(o.dup_risk && outcome_dup_unsaid(&o));
	/* No reply before the dot: deferred, no duplicate risk. */
	t.dot_sent = 0;
	t.data.code = 0;
	set(&t.fail, 0, "timed out");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DEFERRED && !o.dup_risk);
	CHECK_STR(o.diag, "timed out");
	/* MAIL 5xx bounces even though RCPT said 250. */
	set(&t.mail, 553, "553 5.1.8 bad sender");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_BOUNCED && !strcmp(o.status, "5.1.8"));
	/* Size refusal. */
	t.size_refused = 1;
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_BOUNCED && !strcmp(o.status, "5.3.4"));
	/* Lifetime. */
	outcome_set(&o, OUTCOME_DEFERRED, "4.2.0", "busy");
	outcome_expire(&o, 100, 100);
	CHECK(o.kind == OUTCOME_DEFERRED);
	outcome_expire(&o, 101, 100);
	CHECK(o.kind == OUTCOME_BOUNCED && !strcmp(o.status, "4.2.0"));
	CHECK(strstr(o.diag, "expired") && strstr(o.diag, "busy"));
	outcome_set(&o, OUTCOME_DELIVERED, "2.0.0", "ok");
	outcome_expire(&o, 1000, 1);
	CHECK(o.kind == OUTCOME_DELIVERED);
}

/* Every named constructor: its class and RFC 3463 status, in one table
 * that mirrors outcome.h's. */
static void named(void)
{
	static const struct {
		void (*fn)(struct outcome *, const char *);
		enum outcome_kind kind;
		const char *status;
	} t[] = {
		{ outcome_dns_failed, OUTCOME_DEFERRED, "4.4.3" },
		{ outcome_no_address, OUTCOME_DEFERRED, "4.4.4" },
		{ outcome_connect_failed, OUTCOME_DEFERRED, "4.4.1" },
		{ outcome_connection_lost, OUTCOME_DEFERRED, "4.4.2" },
		{ outcome_local_error, OUTCOME_DEFERRED, "4.3.0" },
		{ outcome_config_error, OUTCOME_DEFERRED, "4.3.5" },
		{ outcome_tls_failed, OUTCOME_DEFERRED, "4.7.5" },
		{ outcome_tls_missing, OUTCOME_DEFERRED, "4.7.10" },
		{ outcome_auth_failed, OUTCOME_DEFERRED, "4.7.8" },
		{ outcome_bad_address, OUTCOME_BOUNCED, "5.1.3" },
		{ outcome_bad_domain, OUTCOME_BOUNCED, "5.1.2" },
		{ outcome_no_mail_service, OUTCOME_BOUNCED, "5.1.10" },
		{ outcome_loop, OUTCOME_BOUNCED, "5.4.6" },
		{ outcome_not_convertible, OUTCOME_BOUNCED, "5.6.3" },
		{ outcome_needs_smtputf8, OUTCOME_BOUNCED, "5.6.7" },
	};
	struct outcome o;
	char long_diag[SMTP_DIAG_SIZE + 50];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&o, 0x55, sizeof o);
		t[i].fn(&o, "why");
		CHECK(o.kind == t[i].kind);
		CHECK_STR(o.status, t[i].status);
		CHECK_STR(o.diag, "why");
		CHECK(!o.from_server && !o.dup_risk);
		CHECK(o.status[0] == (t[i].kind == OUTCOME_BOUNCED ? '5' : '4'));
		CHECK(outcome_is_no_address(&o) == (t[i].fn == outcome_no_address));
	}
	/* A diagnostic longer than SMTP_DIAG_SIZE is cut, never overflows. */
	memset(long_diag, 'x', sizeof long_diag - 1);
	long_diag[sizeof long_diag - 1] = 0;
	outcome_local_error(&o, long_diag);
	CHECK(strlen(o.diag) == SMTP_DIAG_SIZE - 1);
	/* A named deferral still expires into a bounce with its status. */
	outcome_dns_failed(&o, "SERVFAIL");
	outcome_expire(&o, 10, 5);
	CHECK(o.kind == OUTCOME_BOUNCED);
	CHECK_STR(o.status, "4.4.3");
}

/* RFC 5321 4.5.3.1.10: 552 to RCPT is temporary; "too many recipients"
 * is worth another transaction; a 421 is the server's word. */
static void rcpt_limits(void)
{
	struct smtp_txn_rcpt rc[1];
	struct smtp_txn t;
	struct smtp_result last;
	struct outcome o;

	memset(&t, 0, sizeof t);
	memset(rc, 0, sizeof rc);
	t.rcpt = rc;
	t.nrcpt = 1;
	set(&t.mail, 250, "250 ok");
	set(&rc[0].res, 552, "552 5.5.3 too many recipients");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DEFERRED && !strcmp(o.status, "4.5.3"));
	CHECK(outcome_is_too_many(&o));
	set(&rc[0].res, 552, "552 5.2.2 mailbox full");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DEFERRED && !strcmp(o.status, "4.2.2"));
	CHECK(!outcome_is_too_many(&o));
	set(&rc[0].res, 452, "452 too many recipients");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_DEFERRED && outcome_is_too_many(&o));
	set(&rc[0].res, 450, "450 4.5.3 try later");
	outcome_rcpt(&t, 0, &o);
	CHECK(!outcome_is_too_many(&o));
	/* 552 to the final dot stays permanent (the message is too big). */
	set(&rc[0].res, 250, "250 ok");
	set(&t.data, 354, "354 go");
	set(&t.dot, 552, "552 5.3.4 too big");
	outcome_rcpt(&t, 0, &o);
	CHECK(o.kind == OUTCOME_BOUNCED);
	set(&last, 421, "421 4.3.2 shutting down");
	outcome_session_ended(&o, &last, "whatever");
	CHECK(o.kind == OUTCOME_DEFERRED && o.from_server &&
	      !strcmp(o.status, "4.3.2") && !strcmp(o.diag, last.text));
	set(&last, 421, "421 bye");
	outcome_session_ended(&o, &last, "whatever");
	CHECK(!strcmp(o.status, "4.4.2") && !strcmp(o.diag, "421 bye"));
	set(&last, 250, "250 ok");
	outcome_session_ended(&o, &last, "lost");
	CHECK(!o.from_server && !strcmp(o.status, "4.4.2") &&
	      !strcmp(o.diag, "lost"));
}

UNIT_SUITE(outcome_tests) = {
	{ "outcome: 552 and 452 to RCPT, a 421 kept as said", rcpt_limits },
	{ "outcome: replies, lost connections, size, lifetime", outcomes },
	{ "outcome: every named constructor's class and status", named },
	UNIT_END
};
