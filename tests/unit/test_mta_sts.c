/* test_mta_sts.c: mta_sts.h against RFC 8461's own examples, the
 * policies big providers publish, and malformed ones. */
#include "mta_sts.h"
#include "unit.h"

static void txt_records(void)
{
	static const struct { const char *txt; int rc; const char *id; } t[] = {
		{ "v=STSv1; id=20160831085700Z;", 1, "20160831085700Z" }, /* §3.1 */
		{ "v=STSv1; id=20190429T010101", 1, "20190429T010101" },
		{ "v=STSv1; id=2019-04-29", -1, "" },
		{ "v=STSv1;id=abc", 1, "abc" },
		{ "v=STSv1; id=abc; ext-1=v;", 1, "abc" },
		{ "v=STSv1 ; id=abc", 1, "abc" },
		{ "v=STSv1; id=abc;  ", 1, "abc" },
		{ "v=STSv1;", -1, "" },
		{ "v=STSv1; id=", -1, "" },
		{ "v=STSv1; id=123456789012345678901234567890123", -1, "" },
		{ "v=STSv1; id=abc; bad", -1, "" },
		{ "v=STSv1; id=abc;; x=y", -1, "" },
		{ "v=STSv1; ext=a=b; id=abc", -1, "" },
		{ "v=spf1 -all", 0, "" },
		{ "v=STSv10; id=abc", 0, "" },
		{ "V=STSv1; id=abc", 0, "" },
		{ "", 0, "" },
	};
	char id[33];
	const char *why;
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		int rc = sts_txt_parse(t[i].txt, strlen(t[i].txt), id, &why);
		if (rc != t[i].rc || strcmp(id, t[i].id)) {
			fprintf(stderr, "  \"%s\": %d \"%s\"\n", t[i].txt, rc, id);
			CHECK(0);
		}
	}
}

static void policies(void)
{
	/* RFC 8461 §3.2's example, with CR LF. */
	static const char rfc[] = "version: STSv1\r\nmode: enforce\r\n"
		"mx: mail.example.com\r\nmx: *.example.net\r\n"
		"mx: backupmx.example.com\r\nmax_age: 604800\r\n";
	/* Google's (gmail.com), LF and a final line without its end. */
	static const char gmail[] = "version: STSv1\nmode: enforce\n"
		"mx: gmail-smtp-in.l.google.com\nmx: *.gmail-smtp-in.l.google.com\n"
		"max_age: 86400";
	static struct sts_policy p;
	const char *why = 0;

	CHECK(sts_policy_parse(rfc, sizeof rfc - 1, &p, &why) == 0);
	CHECK(p.mode == STS_ENFORCE && p.max_age == 604800 && p.nmx == 3);
	CHECK_STR(p.mx[1], "*.example.net");
	CHECK(sts_mx_match(&p, "mail.example.com"));
	CHECK(sts_mx_match(&p, "MAIL.Example.COM."));
	CHECK(sts_mx_match(&p, "mx1.example.net"));
	CHECK(!sts_mx_match(&p, "example.net"));          /* §4.1: one label */
	CHECK(!sts_mx_match(&p, "a.b.example.net"));
	CHECK(!sts_mx_match(&p, "mail.example.com.evil.test"));
	CHECK(!sts_mx_match(&p, "xmail.example.com"));
	CHECK(!sts_mx_match(&p, ".example.net"));
	CHECK(sts_policy_parse(gmail, sizeof gmail - 1, &p, &why) == 0);
	CHECK(p.max_age == 86400 && p.nmx == 2);
	CHECK(sts_mx_match(&p, "alt1.gmail-smtp-in.l.google.com"));
	CHECK(sts_mx_match(&p, "gmail-smtp-in.l.google.com"));
	/* none needs no mx; unknown keys and blanks around values pass;
	 * the first of a repeated key wins. */
	CHECK(sts_policy_parse("version: STSv1\nmode:none\nmax_age:\t0 \n"
			       "ext_1: what ever\nmode: enforce\n", 68, &p,
			       &why) == 0);
	CHECK(p.mode == STS_NONE && p.max_age == 0 && p.nmx == 0);
}

static void malformed_policies(void)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "mode: enforce\nmx: a.example\nmax_age: 1\n",
		  "a policy without version, mode or max_age" },
		{ "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",
		  "a version other than STSv1" },
		{ "version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n",
		  "a mode other than enforce, testing or none" },
		{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
		  "a max_age that is not 0 to 31557600 seconds" },
		{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
		  "a max_age that is not 0 to 31557600 seconds" },
		{ "version: STSv1\nmode: testing\nmax_age: 1\n",
		  "a testing or enforce policy without an mx" },
		{ "version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n",
		  "an mx that is not a host name or *.domain" },
		{ "version: STSv1\nmode: enforce\nmx: *\nmax_age: 1\n",
		  "an mx that is not a host name or *.domain" },
		{ "version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n",
		  "an mx that is not a host name or *.domain" },
		{ "version: STSv1\nmode: enforce\nmx: mail..\nmax_age: 1\n",
		  "an mx that is not a host name or *.domain" },   /* fuzzed */
		{ "version: STSv1\nmode: enforce\nmx: a_b.example\nmax_age: 1\n",
		  "an mx that is not a host name or *.domain" },
		{ "version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 1\n",
		  "a line that is not \"key: value\"" },
		{ "<html>404</html>\n", "a line that is not \"key: value\"" },
		{ "version: STSv1\nmode: enforce\x1b[2J\nmx: a\nmax_age: 1\n",
		  "a control byte in the policy" },
	};
	static struct sts_policy p;
	char many[2048];
	const char *why;
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		why = 0;
		if (sts_policy_parse(bad[i].text, strlen(bad[i].text), &p, &why)
		    != -1 || !why || strcmp(why, bad[i].why)) {
			fprintf(stderr, "  %s: %s\n", bad[i].text, why);
			CHECK(0);
		}
	}
	/* Past STS_MX_MAX: the rest dropped and counted, never matched. */
	n = (size_t)snprintf(many, sizeof many, "version: STSv1\nmode: enforce\n"
			     "max_age: 60\n");
	for (i = 0; i < STS_MX_MAX + 2; i++)
		n += (size_t)snprintf(many + n, sizeof many - n,
				      "mx: mx%zu.example\n", i);
	CHECK(sts_policy_parse(many, n, &p, &why) == 0);
	CHECK(p.nmx == STS_MX_MAX && p.dropped == 2);
	CHECK(sts_mx_match(&p, "mx0.example"));
	CHECK(!sts_mx_match(&p, "mx17.example"));
}

UNIT_SUITE(mta_sts_tests) = {
	{ "mta-sts: _mta-sts TXT records", txt_records },
	{ "mta-sts: policies (RFC 8461, Gmail's) and MX matching", policies },
	{ "mta-sts: malformed policies and the mx cap", malformed_policies },
	UNIT_END
};
