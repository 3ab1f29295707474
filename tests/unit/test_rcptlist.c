/* Recipient list parsing and writing, address and domain checks. */
#include "err.h"
#include "rcptlist.h"
#include "unit.h"

static struct rcptlist l, l2;

static const char good[] =
	"smtprc-list 1\n"
	"message 1764343185-4711-0\n"
	"domain example.com\n"
	"sender <alice@example.org>\n"
	"queued 1764343185\n"
	"attempts 2\n"
	"rcpt <bob@example.com>\n"
	"rcpt <carol@EXAMPLE.com> 450 4.2.0 mailbox busy > try later\n"
	"rcpt <\"odd >name\"@example.com>\n";

static void parse_good(void)
{
	CHECK(rcptlist_parse(&l, good, sizeof good - 1) == 0);
	CHECK_MEM(l.id, l.id_len, "1764343185-4711-0");
	CHECK_MEM(l.domain, l.domain_len, "example.com");
	CHECK_MEM(l.sender, l.sender_len, "alice@example.org");
	CHECK(l.queued == 1764343185UL && l.attempts == 2 && l.nrcpt == 3);
	CHECK_MEM(l.rcpt[0].addr, l.rcpt[0].len, "bob@example.com");
	CHECK(l.rcpt[0].diag == 0);
	CHECK_MEM(l.rcpt[1].diag, l.rcpt[1].diag_len,
		  "450 4.2.0 mailbox busy > try later");
	CHECK_MEM(l.rcpt[2].addr, l.rcpt[2].len, "\"odd >name\"@example.com");
}

static void roundtrip(void)
{
	char out[RCPTLIST_SIZE];
	size_t n;
	CHECK(rcptlist_parse(&l, good, sizeof good - 1) == 0);
	n = rcptlist_format(&l, out, sizeof out);
	CHECK(n == sizeof good - 1 && !memcmp(out, good, n));
	CHECK(rcptlist_parse(&l2, out, n) == 0 && l2.nrcpt == 3);
	/* Control characters in a diagnostic never break the format. */
	l.rcpt[0].diag = "550 evil\ninjected line";
	l.rcpt[0].diag_len = 22;
	n = rcptlist_format(&l, out, sizeof out);
	CHECK(n && rcptlist_parse(&l2, out, n) == 0 && l2.nrcpt == 3);
	CHECK_MEM(l2.rcpt[0].diag, l2.rcpt[0].diag_len, "550 evil?injected line");
	/* Too small a buffer: 0, never a cut file. */
	CHECK(rcptlist_format(&l, out, 40) == 0);
	/* Null sender. */
	{
		static const char nul[] = "smtprc-list 1\nmessage a\n"
			"domain d.test\nsender <>\nqueued 1\nattempts 0\n";
		CHECK(rcptlist_parse(&l, nul, sizeof nul - 1) == 0);
	}
	CHECK(l.sender_len == 0 && l.nrcpt == 0);
}

static void parse_bad(void)
{
	static const struct { const char *text; unsigned line; } v[] = {
		{ "", 1 },
		{ "smtprc-list 2\n", 1 },
		{ "hello\n", 1 },
		{ "smtprc-list 1\nmessage ../x\n", 2 },
		{ "smtprc-list 1\nmessage a\ndomain bad/dom\n", 3 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender alice\n", 4 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <a b@c>\n", 4 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued x\n", 5 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts -1\n", 6 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts 0\nrcpt <b@other.test>\n", 7 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts 0\nrcpt <nobody>\n", 7 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts 0\nrcpt <b@d.test>", 7 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts 0\nfoo bar\n", 7 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts 0\nrcpt <b@d.test>x\n", 7 },
		{ "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\nqueued 1\n"
		  "attempts 0\nrcpt <a\x01@d.test>\n", 7 },
	};
	size_t i;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		int rc = rcptlist_parse(&l, v[i].text, strlen(v[i].text));
		CHECK(rc == E_LIST);
		if (rc == E_LIST && l.err_line != v[i].line)
			fprintf(stderr, "  vector %u: line %u (%s), want %u\n",
				(unsigned)i, l.err_line, l.err, v[i].line);
		CHECK(rc != E_LIST || l.err_line == v[i].line);
	}
}

static void too_many(void)
{
	static char buf[RCPTLIST_SIZE];
	size_t n, i;
	n = (size_t)sprintf(buf, "smtprc-list 1\nmessage a\ndomain d.test\n"
			    "sender <>\nqueued 1\nattempts 0\n");
	for (i = 0; i < RCPT_PER_LIST_MAX; i++)
		n += (size_t)sprintf(buf + n, "rcpt <u%u@d.test>\n", (unsigned)i);
	CHECK(rcptlist_parse(&l, buf, n) == 0 && l.nrcpt == RCPT_PER_LIST_MAX);
	n += (size_t)sprintf(buf + n, "rcpt <one-more@d.test>\n");
	CHECK(rcptlist_parse(&l, buf, n) == E_LIST);
}

/* An older writer's address that is no mailbox today is kept, marked
 * bad (bounced, not sent); a quoted local part is whole. */
static void bad_kept(void)
{
	const char *s = "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\n"
			"queued 1\nattempts 0\nrcpt <a(b)@d.test>\n"
			"rcpt <\"x> y\"@d.test> 450 4.2.0 busy\nrcpt <ok@d.test>\n"
			"rcpt <\xc3\xa9l\xc3\xa8ve@d.test>\nrcpt <\xe9@d.test>\n";
	CHECK(rcptlist_parse(&l, s, strlen(s)) == 0 && l.nrcpt == 5);
	CHECK(l.rcpt[0].bad && !l.rcpt[1].bad && !l.rcpt[2].bad);
	CHECK(!l.rcpt[3].bad && l.rcpt[4].bad);   /* UTF-8; Latin-1 */
	CHECK_MEM(l.rcpt[1].addr, l.rcpt[1].len, "\"x> y\"@d.test");
	CHECK_MEM(l.rcpt[1].diag, l.rcpt[1].diag_len, "450 4.2.0 busy");
	s = "smtprc-list 1\nmessage a\ndomain d.test\nsender <>\n"
	    "queued 1\nattempts 0\nrcpt <a(b)@e.test>\n";
	CHECK(rcptlist_parse(&l, s, strlen(s)) == E_LIST);
}

/* A next hop's list (HOST:PORT) holds recipients of any domain. */
static void hop_list(void)
{
	const char *s = "smtprc-list 1\nmessage a\ndomain [192.0.2.1]:25\n"
			"sender <>\nqueued 1\nattempts 0\nrcpt <x@one.test>\n"
			"rcpt <y@[192.0.2.9]>\n";
	CHECK(rcptlist_parse(&l, s, strlen(s)) == 0 && l.nrcpt == 2);
	CHECK(l.hop && !l.unusable && !l.rcpt[0].bad && !l.rcpt[1].bad);
	s = "smtprc-list 1\nmessage a\ndomain smtp.isp.test:587\n"
	    "sender <>\nqueued 1\nattempts 0\nrcpt <x@one.test>\n";
	CHECK(rcptlist_parse(&l, s, strlen(s)) == 0 && l.hop);
	/* No hop: a port out of range is a token, unusable. */
	s = "smtprc-list 1\nmessage a\ndomain h.test:99999\n"
	    "sender <>\nqueued 1\nattempts 0\nrcpt <x@h.test:99999>\n";
	CHECK(rcptlist_parse(&l, s, strlen(s)) == 0 && !l.hop && l.unusable &&
	      l.rcpt[0].bad);
	CHECK(rcptlist_domain_token("[192.0.2.1]:25", 14));
	CHECK(!rcptlist_domain_token("[192.0.2.1]x", 12));
	CHECK(!rcptlist_domain_token("a[b", 3));
}

static void checks(void)
{
	CHECK(addr_valid("a@b.c", 5));
	CHECK(addr_valid("a@[127.0.0.1]", 13));
	CHECK(!addr_valid("a@", 2));
	CHECK(!addr_valid("@b", 2));
	CHECK(!addr_valid("a@b@c", 5));
	CHECK(!addr_valid("a@b..c", 6));
	CHECK(addr_domain_valid("example.com", 11));
	CHECK(!addr_domain_valid(".example.com", 12));
	CHECK(!addr_domain_valid("ex ample", 8));
	CHECK(addr_domain_valid("[IPv6:::1]", 10));
	CHECK(!addr_domain_valid("[1.2.3.4", 8));
	CHECK(rcptlist_id_valid("abc-1_2", 7));
	CHECK(!rcptlist_id_valid("a.b", 3));
	CHECK(!rcptlist_id_valid("", 0));
	CHECK(addr_eq_nocase("ExAmple.COM", 11, "example.com", 11));
}

UNIT_SUITE(rcptlist_tests) = {
	{ "rcptlist: parse a good list", parse_good },
	{ "rcptlist: write and read back, control chars, small buffer", roundtrip },
	{ "rcptlist: malformed lists name their line", parse_bad },
	{ "rcptlist: RCPT_PER_LIST_MAX is enforced", too_many },
	{ "rcptlist: address, domain and identifier checks", checks },
	{ "rcptlist: an address no longer valid is kept, marked bad", bad_kept },
	{ "rcptlist: a next hop's list holds any domain's recipients", hop_list },
	UNIT_END
};
