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
	CHECK(!V("a\x80@example.com"));           /* 8-bit */
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
