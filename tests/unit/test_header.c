/* test_header.c: header.h, header sections and address lists
 * (sendmail). */
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

static void qualify(void)
{
	char out[256];
	int ch;
	size_t n;
#define QUAL(in, want) do { ch = -1; n = header_qualify(in, strlen(in), \
	"nas1.example", out, sizeof out, &ch); CHECK(n > 0); \
	CHECK_MEM(out, n, want); CHECK(ch == (strcmp(in, want) != 0)); } while (0)
	QUAL(" root", " root@nas1.example");
	QUAL(" root (Cron Daemon)", " root@nas1.example (Cron Daemon)");
	QUAL(" Cron Daemon <root>", " Cron Daemon <root@nas1.example>");
	QUAL(" \"Backup, nightly\" <backup>, ops@example.com",
	     " \"Backup, nightly\" <backup@nas1.example>, ops@example.com");
	QUAL(" a, b@x.example,\n\tc", " a@nas1.example, b@x.example,\n\tc@nas1.example");
	QUAL(" root@nas1.example", " root@nas1.example");
	QUAL(" undisclosed-recipients:;", " undisclosed-recipients:;");
	QUAL(" team: a, b@x.example;", " team: a@nas1.example, b@x.example;");
	QUAL(" Cron Daemon", " Cron Daemon");              /* a phrase */
	QUAL(" \"john doe\"", " \"john doe\"@nas1.example");
	QUAL(" <>", " <>");
	CHECK(header_qualify(" <root", 6, "x", out, sizeof out, &ch) == 0);
	CHECK(header_qualify(" root", 5, "nas1.example", out, 8, &ch) == 0);
}



#include "hdrfrom.h"

/* hdrfrom over msg in pieces of step bytes. */
static void from_run(const char *msg, size_t step, char *out)
{
	struct hdrfrom h;
	size_t n = strlen(msg), pos, k = 0, len;

	hdrfrom_init(&h, "me@isp.example");
	for (pos = 0; pos < n; pos += len) {
		len = n - pos < step ? n - pos : step;
		k += hdrfrom_run(&h, msg + pos, len, out + k);
	}
	k += hdrfrom_end(&h, out + k);
	out[k] = 0;
}

static void from_replaced(void)
{
	static const char msg[] = "Subject: s\nFROM: root@nas1\n (Cron Daemon)\n"
				   "Fro: kept\nX-From: kept\nFrom:x\n\nFrom: body stays\n";
	static const char want[] = "From: me@isp.example\nSubject: s\nFro: kept\n"
				   "X-From: kept\n\nFrom: body stays\n";
	char out[512];
	size_t step;

	for (step = 1; step <= sizeof msg; step++) {
		from_run(msg, step, out);
		CHECK_STR(out, want);
	}
	from_run("Subject: none\r\n\r\nx\r\n", 3, out);
	CHECK_STR(out, "From: me@isp.example\nSubject: none\r\n\r\nx\r\n");
}

UNIT_SUITE(header_tests) = {
	{ "header: address lists", address_lists },
	{ "header: sections and fields", header_sections },
	{ "header: unqualified addresses get @origin, nothing else changes", qualify },
	{ "header: route-from replaces the From field while streaming", from_replaced },
	UNIT_END
};
