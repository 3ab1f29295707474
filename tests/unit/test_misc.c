/* Outcome mapping, option parsing, locating, trigger names. */
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

enum { T_V, T_HELO, T_TRIG, T_SELF, T_NAME };
static const struct opt_def defs[] = {
	{ T_V, OPT_BOOL, "V", "verbose" },
	{ T_HELO, OPT_BOOL, "HELO", "helo" },
	{ T_TRIG, OPT_STR, "TRIGGER", "trigger" },
	{ T_SELF, OPT_STR, "SELF", "self" },
	{ T_NAME, OPT_STR, 0, "helo-name" },
};

/* Parses argv (NULL-terminated); returns "id:on/val,...|rest" or "ERR". */
static const char *parse(char **argv)
{
	static char out[256];
	struct opt_hit h;
	const char *why;
	int argc = 0, i = 0, rc;
	size_t n = 0;

	while (argv[argc])
		argc++;
	while ((rc = opt_next(defs, 5, argc, argv, &i, &h, &why)) > 0)
		n += (size_t)snprintf(out + n, sizeof out - n, "%d:%s,", h.id,
				      h.val ? h.val : h.on ? "1" : "0");
	if (rc < 0)
		return "ERR";
	snprintf(out + n, sizeof out - n, "|%s", i < argc ? argv[i] : "");
	return out;
}

#define P(...) parse((char *[]){ __VA_ARGS__, 0 })

static void options(void)
{
	CHECK_STR(P("/V", "d"), "0:1,|d");
	CHECK_STR(P("/v+", "d"), "0:1,|d");
	CHECK_STR(P("/V-", "d"), "0:0,|d");
	CHECK_STR(P("/helo-", "/HeLo+", "d"), "1:0,1:1,|d");
	CHECK_STR(P("/TRIGGER:\\SEM32\\IU\\SMTP\\PD", "d"),
		  "2:\\SEM32\\IU\\SMTP\\PD,|d");
	CHECK_STR(P("/TRIGGER", "/run/fifo", "d"), "2:/run/fifo,|d");
	CHECK_STR(P("/SELF:10.0.0.1", "/self:10.0.0.2", "d"),
		  "3:10.0.0.1,3:10.0.0.2,|d");
	CHECK_STR(P("--verbose", "--no-helo", "d"), "0:1,1:0,|d");
	CHECK_STR(P("--trigger=/x", "--self", "1.2.3.4", "d"), "2:/x,3:1.2.3.4,|d");
	CHECK_STR(P("--helo-name=mail.test", "d"), "4:mail.test,|d");
	/* Positional arguments after the domain may start with '/'. */
	CHECK_STR(P("d", "/var/q/remote/x"), "|d");
	CHECK_STR(P("--", "/V"), "|/V");
	/* Bad forms. */
	CHECK_STR(P("/X", "d"), "ERR");
	CHECK_STR(P("/V:1", "d"), "ERR");
	CHECK_STR(P("/V+-", "d"), "ERR");
	CHECK_STR(P("/TRIGGER:", "d"), "ERR");
	CHECK_STR(P("/TRIGGER+", "d"), "ERR");
	CHECK_STR(P("/TRIGGER"), "ERR");
	CHECK_STR(P("--verbose=yes", "d"), "ERR");
	CHECK_STR(P("--no-trigger", "d"), "ERR");
	CHECK_STR(P("--nope", "d"), "ERR");
	CHECK_STR(P("-v", "d"), "ERR");
}

static void help_first(void)
{
	char *argv[] = { "/?", "/garbage", 0 };
	struct opt_hit h;
	const char *why;
	int i = 0;
	CHECK(opt_next(defs, 5, 2, argv, &i, &h, &why) == 1 && h.id == OPT_HELP);
}

static void numbers(void)
{
	unsigned long v;
	CHECK(opt_number("0", 10, &v) && v == 0);
	CHECK(opt_number("65535", 65535, &v) && v == 65535);
	CHECK(!opt_number("65536", 65535, &v));
	CHECK(!opt_number("", 10, &v));
	CHECK(!opt_number("1x", 10, &v));
	CHECK(!opt_number("99999999999999999999999", 4294967295UL, &v));
}

static int loc(const char *domain, int ip, int port, const struct ip46 *self,
	       size_t nself, struct locate_result *r)
{
	struct locate_req q;
	memset(&q, 0, sizeof q);
	q.domain = domain;
	q.clientip = ip;
	q.clientport = port;
	q.smtp_port = 25;
	q.self = self;
	q.nself = nself;
	return locate(&q, r);
}

static void locating(void)
{
	static struct locate_result r;
	struct ip46 self[1];
	char buf[IP46_FMT_SIZE];

	CHECK(loc("[127.0.0.1]", 1, 1, 0, 0, &r) == 0 && r.n == 1 &&
	      r.addr[0].port == 25);
	CHECK(loc("[127.0.0.1]:2525", 1, 1, 0, 0, &r) == 0 &&
	      r.addr[0].port == 2525);
	CHECK(loc("127.0.0.2:587", 1, 1, 0, 0, &r) == 0 &&
	      r.addr[0].port == 587);
	ip46_fmt(&r.addr[0].ip, buf);
	CHECK_STR(buf, "127.0.0.2");
#if CONFIG_IPV6
	CHECK(loc("[IPv6:::1]:26", 1, 1, 0, 0, &r) == 0 && r.addr[0].ip.is6);
#else
	CHECK(loc("[IPv6:::1]:26", 1, 1, 0, 0, &r) < 0);
#endif
	CHECK(loc("[127.0.0.1]", 0, 1, 0, 0, &r) < 0);        /* /CLIENTIP- */
	CHECK(loc("127.0.0.1:25", 1, 0, 0, 0, &r) < 0);       /* /CLIENTPORT- */
	CHECK(loc("[127.0.0.1]:0", 1, 1, 0, 0, &r) < 0);
	CHECK(loc("[127.0.0.1]:65536", 1, 1, 0, 0, &r) < 0);
	CHECK(loc("[999.0.0.1]", 1, 1, 0, 0, &r) < 0);
	CHECK(loc("[IPv6:127.0.0.1]", 1, 1, 0, 0, &r) < 0);
	/* A name needs DNS; with no resolver: deferred, never bounced. */
	CHECK(loc("example.com", 1, 1, 0, 0, &r) < 0 &&
	      r.fail.kind == OUTCOME_DEFERRED);
	/* /SELF: the only server is this system: bounce 5.4.6. */
	CHECK(ip46_parse("127.0.0.1", 9, &self[0]));
	CHECK(loc("[127.0.0.1]", 1, 1, self, 1, &r) < 0 && r.n == 0 &&
	      r.fail.kind == OUTCOME_BOUNCED && !strcmp(r.fail.status, "5.4.6"));
	CHECK(strstr(r.fail.diag, "loops back to myself") != 0);
	CHECK(loc("[127.0.0.2]", 1, 1, self, 1, &r) == 0 && r.n == 1);
}

static void trigger_names(void)
{
	char out[64];
	CHECK(trigger_path("\\SEM32\\IU\\SMTP\\PD", "/run/sem", out, sizeof out) == 0);
	CHECK_STR(out, "/run/sem/IU/SMTP/PD");
	CHECK(trigger_path("/var/q/pd.fifo", "/run/sem", out, sizeof out) == 0);
	CHECK_STR(out, "/var/q/pd.fifo");
	CHECK(trigger_path("\\SEM32\\X", "/a-very-long-directory-name-indeed-that-is",
			   out, 40) < 0);
}

UNIT_SUITE(outcome_tests) = {
	{ "outcome: replies, lost connections, size, lifetime", outcomes },
	UNIT_END
};
UNIT_SUITE(opt_tests) = {
	{ "opt: every form, + and -, values, bad forms", options },
	{ "opt: /? first ignores the rest", help_first },
	{ "opt: numbers and their ranges", numbers },
	UNIT_END
};
UNIT_SUITE(locate_tests) = {
	{ "locate: literals, host:port, disabled forms, DNS seam, /SELF", locating },
	UNIT_END
};
UNIT_SUITE(trigger_tests) = {
	{ "trigger: OS/2 semaphore names map to FIFO paths", trigger_names },
	UNIT_END
};
