/* Unit tests: the parsers of the system around smtprc: header sections
 * and address lists (sendmail), maildrop entries (smtppd), run files
 * (smtprcd), the configuration file and routes (every program). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "b64.h"
#include "bounce.h"
#include "smtp_ehlo.h"
#include "conf.h"
#include "header.h"
#include "maildrop.h"
#include "opt.h"
#include "route.h"
#include "runfile.h"
#include "unit.h"

/* Every address of an address list, joined with '|'. */
static const char *addrs(const char *list)
{
	static char out[1024];
	char a[256];
	size_t pos = 0, n = 0;
	int r;
	out[0] = 0;
	while ((r = header_addr_next(list, strlen(list), &pos, a, sizeof a)) > 0)
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", n ? "|" : "", a);
	if (r < 0)
		snprintf(out + n, sizeof out - n, "%sERROR", n ? "|" : "");
	return out;
}

static void address_lists(void)
{
	CHECK_STR(addrs("a@b.example"), "a@b.example");
	CHECK_STR(addrs(" Ann Example <ann@x.example> , bob@y.example"),
		  "ann@x.example|bob@y.example");
	CHECK_STR(addrs("\"Doe, John\" <jd@x.example>"), "jd@x.example");
	CHECK_STR(addrs("jd@x.example (John (the) Doe), k@y.example"),
		  "jd@x.example|k@y.example");
	CHECK_STR(addrs("undisclosed-recipients:;"), "");
	CHECK_STR(addrs("team: a@x.example, b@y.example; c@z.example"),
		  "a@x.example|b@y.example|c@z.example");
	CHECK_STR(addrs("\"quoted local\"@x.example"), "\"quoted local\"@x.example");
	CHECK_STR(addrs("<@relay.example:user@x.example>"), "user@x.example");
	CHECK_STR(addrs("a@x.example,\r\n\tb@y.example"), "a@x.example|b@y.example");
	CHECK_STR(addrs(",,a@x.example,,"), "a@x.example");
	CHECK_STR(addrs("<open@x.example"), "ERROR");
	CHECK_STR(addrs("(unclosed comment a@x.example"), "ERROR");
	CHECK_STR(addrs("\"unclosed@x.example"), "ERROR");
}

static void header_sections(void)
{
	const char *m = "From: a\nSubject: two\n  lines\nTo: b\n\nbody\n";
	size_t he, bo, pos = 0;
	int blank, n = 0;
	struct header_field f;

	CHECK(header_scan(m, strlen(m), 0, &he, &bo, &blank) == 1);
	CHECK(blank && he == strlen("From: a\nSubject: two\n  lines\nTo: b\n"));
	CHECK(bo == he + 1);
	while (header_next(m, he, &pos, &f)) {
		n++;
		if (header_is(m, &f, "subject"))
			CHECK_MEM(m + f.val, f.val_end - f.val, " two\n  lines");
	}
	CHECK(n == 3);
	/* Not yet known without more input; at EOF a last field counts. */
	CHECK(header_scan("From: a\nTo: b", 13, 0, &he, &bo, &blank) == 0);
	CHECK(header_scan("From: a\nTo: b", 13, 1, &he, &bo, &blank) == 1 &&
	      he == 13 && !blank);
	/* A body without a header section: the first line is no field. */
	CHECK(header_scan("hello world\n", 12, 1, &he, &bo, &blank) == 1 &&
	      he == 0 && bo == 0 && !blank);
	/* CRLF ends and a continuation line before any field. */
	CHECK(header_scan("A: 1\r\n\r\nx", 9, 0, &he, &bo, &blank) == 1 &&
	      he == 6 && bo == 8 && blank);
	CHECK(header_scan(" cont\nA: 1\n\n", 12, 1, &he, &bo, &blank) == 1 &&
	      he == 0);
}

static void maildrop_entries(void)
{
	static struct maildrop_env e;
	const char *ok = "smtprc-maildrop 1\nsender <>\nrcpt <a@b.example>\n"
			 "rcpt <c@d.example>\n\nSubject: x\n";
	CHECK(maildrop_parse(&e, ok, strlen(ok)) == 0);
	CHECK(e.sender.len == 0 && e.nrcpt == 2);
	CHECK_MEM(e.rcpt[1].addr, e.rcpt[1].len, "c@d.example");
	CHECK_STR(ok + e.msg_off, "Subject: x\n");
#define BAD(s, why) CHECK(maildrop_parse(&e, s, strlen(s)) < 0 && \
			  strstr(e.err, why))
	BAD("smtprc-maildrop 2\nsender <>\nrcpt <a@b.example>\n\n", "first line");
	BAD("smtprc-maildrop 1\nrcpt <a@b.example>\n\n", "sender");
	BAD("smtprc-maildrop 1\nsender <>\n\n", "no sender or no recipient");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a b@c.example>\n\n", "recipient");
	BAD("smtprc-maildrop 1\nsender <x>\nrcpt <a@c.example>\n\n", "sender");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a@c.example>\n", "empty line");
	BAD("smtprc-maildrop 1\nsender <>\nrcpt <a@c.example>\nfoo\n\n", "other than");
	{
		static char big[MAILDROP_ENVELOPE_SIZE];
		size_t n = (size_t)sprintf(big, "smtprc-maildrop 1\nsender <>\n");
		int i;
		for (i = 0; i <= MAILDROP_RCPT_MAX; i++)
			n += (size_t)sprintf(big + n, "rcpt <r%d@x.example>\n", i);
		big[n++] = '\n';
		CHECK(maildrop_parse(&e, big, n) < 0 &&
		      strstr(e.err, "MAILDROP_RCPT_MAX"));
	}
}

static void run_files(void)
{
	struct runfile r;
	char a[] = "# the seed's example\nprogram /usr/sbin/smtprc\n"
		   "argument SMTPRC\nargument /TRIGGER:\\SEM32\\IU\\SMTP\\PD\n"
		   "argument /SELF:\n  chdir /var/spool  \n";
	char b[] = "#!/bin/sh\nexec smtprc \"$@\"\n";
	char c[] = "program /a\nprogram /b\n";
	char d[] = "argument x\n";
	char e[] = "program /a\nrun now\n";
	char f[] = "program /a\n";

	CHECK(runfile_parse(&r, a, strlen(a), "/etc/run") == 0);
	CHECK_STR(r.program, "/usr/sbin/smtprc");
	CHECK(r.argc == 3);
	CHECK_STR(r.argv[0], "SMTPRC");
	CHECK_STR(r.argv[1], "/TRIGGER:\\SEM32\\IU\\SMTP\\PD");
	CHECK_STR(r.argv[2], "/SELF:");
	CHECK_STR(r.chdir, "/var/spool");
	CHECK(runfile_parse(&r, b, strlen(b), "/etc/run") == 0 && r.executable &&
	      !strcmp(r.program, "/etc/run") && r.argc == 1);
	CHECK(runfile_parse(&r, c, strlen(c), "x") < 0 && r.err_line == 2);
	CHECK(runfile_parse(&r, d, strlen(d), "x") < 0 && strstr(r.err, "no program"));
	CHECK(runfile_parse(&r, e, strlen(e), "x") < 0 && r.err_line == 2);
	CHECK(runfile_parse(&r, f, strlen(f), "x") == 0 && r.argc == 1 &&
	      !strcmp(r.argv[0], "/a"));
}

static const struct opt_def keys[] = {
	{ 1, OPT_STR, 0, "queue" },
	{ 2, OPT_BOOL, 0, "syslog" },
};
static char seen[256];
static const char *record(void *ctx, const struct opt_hit *h)
{
	(void)ctx;
	if (h->id == 1 && !strcmp(h->val, "refuse"))
		return "refused value";
	snprintf(seen + strlen(seen), sizeof seen - strlen(seen), "%d=%s;",
		 h->id, h->id == 1 ? h->val : h->on ? "on" : "off");
	return 0;
}

static void configuration(void)
{
	char a[] = "# c\n\n  queue   /var/spool/smtprc  \nsyslog yes\n"
		   "route * x:25\nsyslog off\n";
	char b[] = "queue /q\nbogus 1\n";
	char c[] = "syslog maybe\n";
	char d[] = "queue\n";
	char e[] = "queue refuse\n";
	/* The refusals are reported on standard error: hide them. */
	int saved = dup(2), nul = open("/dev/null", O_WRONLY);

	dup2(nul, 2);
	seen[0] = 0;
	CHECK(conf_apply("t", a, strlen(a), keys, 2, record, 0) == 0);
	CHECK_STR(seen, "1=/var/spool/smtprc;2=on;2=off;");
	CHECK(conf_apply("t", b, strlen(b), keys, 2, record, 0) < 0);
	CHECK(conf_apply("t", c, strlen(c), keys, 2, record, 0) < 0);
	CHECK(conf_apply("t", d, strlen(d), keys, 2, record, 0) < 0);
	CHECK(conf_apply("t", e, strlen(e), keys, 2, record, 0) < 0);
	CHECK(conf_key_known("route") && conf_key_known("retry-max") &&
	      !conf_key_known("config") && !conf_key_known("version"));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(nul);
}

static void routes(void)
{
	const char *r[] = { "* smarthost.example:587", "Example.COM [192.0.2.1]:25",
			    "other.example mx.other.example" };
	CHECK(route_check(r[0]) == 0 && route_check(r[1]) == 0 &&
	      route_check(r[2]) == 0);
	CHECK_STR(route_find(r, 3, "example.com"), "[192.0.2.1]:25");
	CHECK_STR(route_find(r, 3, "unknown.example"), "smarthost.example:587");
	CHECK_STR(route_find(r, 3, "other.example"), "mx.other.example");
	CHECK(route_find(r + 1, 2, "unknown.example") == 0);
	CHECK(route_check("example.com") != 0);
	CHECK(route_check("bad..domain x:25") != 0);
	CHECK(route_check("a.example x:25 y:25") != 0);
	CHECK(route_check("a.example [192.0.2.1:25") != 0);
	CHECK(route_check("a.example bad_host:25") != 0);
}

static void dates(void)
{
	/* bounce_date's own calendar arithmetic (no gmtime_r): the epoch,
	 * leap days of 2000 (divisible by 400) and 2024, the end of 9999,
	 * and a date before the epoch. */
	static const struct { long long t; const char *s; } v[] = {
		{ 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
		{ 951782400, "Tue, 29 Feb 2000 00:00:00 +0000" },
		{ 1709251199, "Thu, 29 Feb 2024 23:59:59 +0000" },
		{ 1795891549, "Sat, 28 Nov 2026 18:45:49 +0000" },
		{ 253402300799LL, "Fri, 31 Dec 9999 23:59:59 +0000" },
		{ -1, "Wed, 31 Dec 1969 23:59:59 +0000" },
	};
	size_t i;
	char out[40];
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		bounce_date((time_t)v[i].t, out);
		CHECK_STR(out, v[i].s);
	}
}

static void base64_and_auth_words(void)
{
	char out[64];
	struct smtp_ehlo e;
	CHECK(b64_encode("", 0, out) == 0 && !strcmp(out, ""));
	CHECK(b64_encode("f", 1, out) == 4 && !strcmp(out, "Zg=="));
	CHECK(b64_encode("fo", 2, out) == 4 && !strcmp(out, "Zm8="));
	CHECK(b64_encode("foo", 3, out) == 4 && !strcmp(out, "Zm9v"));
	CHECK(b64_encode("foobar", 6, out) == 8 && !strcmp(out, "Zm9vYmFy"));
	CHECK(b64_encode("\0u\0p\xff", 5, out) == 8 && !strcmp(out, "AHUAcP8="));
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "AUTH CRAM-MD5 login", 19);
	CHECK((e.ext & SMTP_EXT_AUTH) && e.auth == SMTP_AUTH_LOGIN);
	smtp_ehlo_line(&e, "auth plain", 10);
	CHECK(e.auth == (SMTP_AUTH_LOGIN | SMTP_AUTH_PLAIN));
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "AUTH=PLAIN", 10);   /* the old form: not AUTH */
	CHECK(e.auth == 0);
}

UNIT_SUITE(submit_tests) = {
	{ "b64 and AUTH mechanisms", base64_and_auth_words },
	{ "bounce: RFC 5322 dates", dates },
	{ "header: address lists", address_lists },
	{ "header: sections and fields", header_sections },
	{ "maildrop: entries", maildrop_entries },
	{ "runfile: directives and scripts", run_files },
	{ "conf: keys, values, errors", configuration },
	{ "route: check and find", routes },
	UNIT_END
};
