/* test_addr.c: addr.h, the Mailbox syntax of RFC 5321 section 4.1.2. */
#include "addr.h"
#include "unit.h"

#define V(s) addr_valid(s, strlen(s))

static void mailboxes(void)
{
	/* Dot-strings and Quoted-strings (RFC 5321 section 4.1.2). */
	CHECK(V("a@b.c"));
	CHECK(V("first.last+tag@example.com"));
	CHECK(V("!#$%&'*+-/=?^_`{|}~@example.com"));
	CHECK(V("\"john doe\"@example.com"));
	CHECK(V("\"a>b\"@example.com"));
	CHECK(V("\"a<b\"@example.com"));
	CHECK(V("\"a@b\"@example.com"));
	CHECK(V("\"a\\\"b\"@example.com"));       /* "a\"b" */
	CHECK(V("\"a\\\\b\"@example.com"));       /* "a\\b" */
	CHECK(V("\"\"@example.com"));             /* empty quoted string */
	CHECK(V("a@[127.0.0.1]"));
	CHECK(V("a@[IPv6:::1]"));
	/* UTF-8 local parts (RFC 6531 section 3.3). */
	CHECK(V("\xc3\xa9l\xc3\xa8ve@example.com"));
	CHECK(V("\"\xe7\x94\xb0\xe4\xb8\xad \xe5\xa4\xaa\xe9\x83\x8e\"@example.jp"));
	/* Dots out of place: accepted, quoted on the wire. */
	CHECK(V("a..b@example.com"));
	CHECK(V(".a@example.com"));
	CHECK(V("a.@example.com"));
	/* Not mailboxes. */
	CHECK(!V("a@"));
	CHECK(!V("@b"));
	CHECK(!V("a@b@c"));
	CHECK(!V("a@b..c"));
	CHECK(!V("a b@example.com"));
	CHECK(!V("a(b)@example.com"));
	CHECK(!V("a:b@example.com"));
	CHECK(!V("a\"b\"@example.com"));          /* a quote inside an atom */
	CHECK(!V("\"ab\"c@example.com"));         /* text after the quotes */
	CHECK(!V("\"ab@example.com"));            /* never closed */
	CHECK(!V("\"a\tb\"@example.com"));        /* a control in quotes */
	CHECK(!V("\"a\\\"@example.com"));         /* the quote escaped */
	CHECK(!V("a\x80@example.com"));           /* no UTF-8 */
	CHECK(!V("\xe9l\xe8ve@example.com"));      /* Latin-1 */
	CHECK(!V("\"\xe9\"@example.com"));
	CHECK(!V("\xc3\xa9@b\xc3\xbc" "cher.de"));  /* domains are A-labels */
	CHECK(!V("[a]@example.com"));
}

static void paths(void)
{
	CHECK(addr_path_end("a@b>", 4) == 3);
	CHECK(addr_path_end("\"a>b\"@c> 450 x", 14) == 7);
	CHECK(addr_path_end("\"a b\"@c>", 8) == 7);
	CHECK(addr_path_end("a b@c>", 6) == 6);     /* a space outside */
	CHECK(addr_path_end("\"a>b@c>", 7) == 7);   /* open quote */
	CHECK(addr_path_end("a\n@c>", 5) == 5);
	CHECK(addr_path_end(">", 1) == 0);          /* the null path */
}

static void wire_form(void)
{
	char out[SMTP_PATH_SIZE + 2];
	size_t n;
#define FORM(in, want) do { n = addr_smtp_form(in, strlen(in), out, sizeof out); \
	CHECK_MEM(out, n, want); } while (0)
	FORM("a@b.c", "a@b.c");
	FORM("a..b@b.c", "\"a..b\"@b.c");
	FORM(".a@b.c", "\".a\"@b.c");
	FORM("a.@b.c", "\"a.\"@b.c");
	FORM("\"john doe\"@b.c", "\"john doe\"@b.c");
	FORM("", "");                          /* the null path */
	CHECK(addr_smtp_form("a..b@b.c", 8, out, 9) == 0);
	CHECK(addr_smtp_form("a..b@b.c", 8, out, 10) == 10);
}

UNIT_SUITE(addr_tests) = {
	{ "addr: RFC 5321 mailboxes, quoted local parts, what is refused", mailboxes },
	{ "addr: a path's end in a queue file, quotes honoured", paths },
	{ "addr: the wire form quotes a Dot-string with stray dots", wire_form },
	UNIT_END
};

#include "idna.h"

static void a_labels(void)
{
	char out[300];
	size_t i;
	static const struct { const char *in, *want; } v[] = {
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "M\xc3\xbcnchen.Example.", "xn--mnchen-3ya.example" },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.jp", "xn--wgv71a119e.jp" },
		{ "\xcf\x80\xce\xb1\xcf\x81\xce\xac\xce\xb4\xce\xb5\xce\xb9\xce\xb3"
		  "\xce\xbc\xce\xb1.test", "xn--hxajbheg2az3al.test" },
		{ "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xbc\xd0\xb5\xd1\x80.\xd1\x80\xd1\x84",
		  "xn--e1afmkfd.xn--p1ai" },
		{ "\xc3\x84\xc3\x96\xc3\x9c.de", "xn--4ca0bs.de" },  /* lower-cased */
		{ "a-\xc3\xbc-b.de", "xn--a--b-1ra.de" },
		{ "plain.example", "plain.example" },
	};
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		int n = idna_to_ascii(v[i].in, strlen(v[i].in), out, sizeof out);
		CHECK(n > 0);
		if (n > 0)
			CHECK_STR(out, v[i].want);
	}
	/* Not host names. */
	CHECK(idna_to_ascii("b\xfc" "cher.de", 8, out, sizeof out) < 0);   /* Latin-1 */
	CHECK(idna_to_ascii("a..b", 4, out, sizeof out) < 0);
	CHECK(idna_to_ascii(".a", 2, out, sizeof out) < 0);
	CHECK(idna_to_ascii("a..", 3, out, sizeof out) < 0);
	CHECK(idna_to_ascii("a b.de", 6, out, sizeof out) < 0);
	CHECK(idna_to_ascii("a_b.de", 6, out, sizeof out) < 0);
	CHECK(idna_to_ascii("a-.de", 5, out, sizeof out) < 0);
	CHECK(idna_to_ascii("-\xc3\xa4.de", 6, out, sizeof out) < 0);
	CHECK(idna_to_ascii("\xc3\xa4\xe2\x80\x8b.de", 8, out, sizeof out) < 0); /* ZWSP */
	CHECK(idna_to_ascii("b\xc3\xbc" "cher.example", 14, out, 10) < 0);  /* room */
	{
		char big[200];
		memset(big, 0, sizeof big);
		for (i = 0; i < 6; i++)
			strcat(big, "abcdefghij");
		strcat(big, "\xc3\xa9");       /* 61 code points: 68 octets encoded */
		CHECK(idna_to_ascii(big, strlen(big), out, sizeof out) < 0);
		big[55] = 0;                 /* 55 + U+00E9: 63 octets encoded */
		strcat(big, "\xc3\xa9");
		CHECK(idna_to_ascii(big, strlen(big), out, sizeof out) == 63);
	}
}

UNIT_SUITE(idna_tests) = {
	{ "idna: A-labels (RFC 3492 Punycode), lower case, what is refused", a_labels },
	UNIT_END
};

#include "aliases.h"

static char got_al[1024];

static void collect(const char *a, size_t n, void *ctx)
{
	(void)ctx;
	strncat(got_al, a, n);
	strcat(got_al, "|");
}

static void aliases(void)
{
	static const char f[] =
		"# the box's names\n"
		"root: admin@example.com\n"
		"Postmaster: root\n"
		"backup: ops@example.com, \"on call\"@example.net,\n"
		"  root\n"
		"web: www\n"
		"loop1: loop2\n"
		"loop2: loop1\n";
	unsigned line;
	const char *why;

#define EXPAND(name, want, count) do { got_al[0] = 0; \
	CHECK(aliases_expand(f, sizeof f - 1, name, strlen(name), collect, 0) == count); \
	CHECK_STR(got_al, want); } while (0)
	EXPAND("root", "admin@example.com|", 1);
	EXPAND("postmaster", "admin@example.com|", 1);     /* case ignored */
	EXPAND("backup", "ops@example.com|\"on call\"@example.net|admin@example.com|", 3);
	EXPAND("web", "www|", 1);                /* a name the file does not know */
	EXPAND("nobody", "", 0);
	CHECK(aliases_expand(f, sizeof f - 1, "loop1", 5, collect, 0) < 0);
	CHECK(aliases_check(f, sizeof f - 1, &line, &why) == 0);
	CHECK(aliases_check("root admin@x\n", 13, &line, &why) < 0 && line == 1);
	CHECK(aliases_check("# c\nroot:\n", 10, &line, &why) < 0 && line == 2);
	CHECK(aliases_check("a b: c@d\n", 9, &line, &why) < 0);
}

UNIT_SUITE(aliases_tests) = {
	{ "aliases: names, chains, continuation lines, loops, syntax", aliases },
	UNIT_END
};
