/* Reply line splitting, reply assembly, enhanced status codes. */
#include "err.h"
#include "smtp_reply.h"
#include "unit.h"

static void line_find(void)
{
	static const struct {
		const char *in;
		int rc;
		size_t len, used;
	} v[] = {
		{ "250 ok\r\n", 1, 6, 8 },
		{ "250 ok\n", 1, 6, 7 },      /* bare LF accepted */
		{ "250 ok", 0, 0, 0 },        /* incomplete */
		{ "\r\n", 1, 0, 2 },
		{ "250 a\r\n250 b\r\n", 1, 5, 7 },
	};
	size_t i, len = 99, used = 99;
	char big[SMTP_REPLY_LINE_SIZE + 8];

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		int rc = smtp_line_find(v[i].in, strlen(v[i].in), &len, &used);
		CHECK(rc == v[i].rc);
		if (rc == 1) {
			CHECK(len == v[i].len);
			CHECK(used == v[i].used);
		}
	}
	/* 510 bytes + CRLF = 512: the longest legal line. */
	memset(big, 'x', sizeof big);
	big[510] = '\r';
	big[511] = '\n';
	CHECK(smtp_line_find(big, 512, &len, &used) == 1 && used == 512);
	big[510] = 'x';
	big[511] = '\r';
	big[512] = '\n';
	/* Longer: cut to its first 510 bytes, the whole line dropped. */
	CHECK(smtp_line_find(big, 513, &len, &used) == SMTP_LINE_CUT &&
	      len == SMTP_REPLY_LINE_SIZE - 2 && used == 513);
	memset(big, 'x', sizeof big);
	CHECK(smtp_line_find(big, SMTP_REPLY_LINE_SIZE - 1, &len, &used) == 0);
	/* No line end yet at the limit: cut, everything so far dropped (the
	 * caller discards the rest up to the LF). */
	CHECK(smtp_line_find(big, SMTP_REPLY_LINE_SIZE, &len, &used) ==
	      SMTP_LINE_CUT && len == SMTP_REPLY_LINE_SIZE - 2 &&
	      used == SMTP_REPLY_LINE_SIZE);
}

static int feed(struct smtp_reply *r, const char *const *lines)
{
	int rc = 0;
	smtp_reply_init(r);
	for (; *lines; lines++) {
		rc = smtp_reply_line(r, *lines, strlen(*lines));
		if (rc != 0)
			return rc;
	}
	return rc;
}

static void assemble(void)
{
	struct smtp_reply r;
	const char *one[] = { "250 2.0.0 Ok: queued", 0 };
	const char *multi[] = { "250-first", "250-second", "250 last", 0 };
	const char *bare[] = { "220", 0 };
	const char *mixed[] = { "250-first", "251 second", 0 };
	const char *badcode[] = { "25x ok", 0 };
	const char *onedigit[] = { "2 ok", 0 };
	const char *class6[] = { "650 ok", 0 };
	const char *class1[] = { "150 ok", 0 };
	const char *syntax[] = { "250_ok", 0 };
	const char *more[] = { "250-a", "250-b", 0 };

	CHECK(feed(&r, one) == 1 && r.code == 250);
	CHECK_STR(r.text, "250 2.0.0 Ok: queued");
	CHECK(feed(&r, multi) == 1 && r.code == 250 && r.lines == 3);
	CHECK_STR(r.text, "250 first second last");
	CHECK(feed(&r, bare) == 1 && r.code == 220);
	CHECK(feed(&r, mixed) == E_REPLY_MIXED);
	CHECK(feed(&r, badcode) == E_REPLY_CODE);
	CHECK(feed(&r, onedigit) == E_REPLY_CODE);
	CHECK(feed(&r, class6) == E_REPLY_CODE);
	CHECK(feed(&r, class1) == E_REPLY_CODE);
	CHECK(feed(&r, syntax) == E_REPLY_SYNTAX);
	CHECK(feed(&r, more) == 0);
}

static void limits(void)
{
	struct smtp_reply r;
	char line[SMTP_REPLY_LINE_SIZE];
	unsigned i;
	int rc = 0;

	/* Too many lines. */
	smtp_reply_init(&r);
	for (i = 0; i <= SMTP_REPLY_LINES_MAX && rc == 0; i++)
		rc = smtp_reply_line(&r, "250-x", 5);
	CHECK(rc == E_REPLY_LINES);
	/* Long text is cut with a mark, the reply still completes. */
	memcpy(line, "550 ", 4);
	memset(line + 4, 'y', 400);
	smtp_reply_init(&r);
	CHECK(smtp_reply_line(&r, line, 404) == 1);
	CHECK(r.truncated && r.text_len == SMTP_DIAG_SIZE - 1);
	CHECK(!strcmp(r.text + r.text_len - 6, " [...]"));
	/* A later line that no longer fits, when the text is within a few
	 * bytes of the end (found by fuzz_reply): cut and marked in bounds. */
	smtp_reply_init(&r);
	memcpy(line, "250-", 4);
	memset(line + 4, 'z', SMTP_DIAG_SIZE - 9);
	CHECK(smtp_reply_line(&r, line, SMTP_DIAG_SIZE - 5) == 0);
	CHECK(!r.truncated && r.text_len == SMTP_DIAG_SIZE - 5);
	CHECK(smtp_reply_line(&r, "250 more text", 13) == 1);
	CHECK(r.truncated && r.text_len == SMTP_DIAG_SIZE - 1);
	CHECK(strlen(r.text) == r.text_len);
	CHECK(!strcmp(r.text + r.text_len - 6, " [...]"));
	/* Control characters are not kept. */
	smtp_reply_init(&r);
	CHECK(smtp_reply_line(&r, "550 a\tb\033c", 9) == 1);
	CHECK_STR(r.text, "550 a?b?c");
}

static void status(void)
{
	static const struct { const char *text, *want; } v[] = {
		{ "550 5.1.1 no such user", "5.1.1" },
		{ "250 2.0.0 Ok", "2.0.0" },
		{ "452 4.5.3 too many", "4.5.3" },
		{ "550 5.7.123 x", "5.7.123" },
		{ "550 4.1.1 wrong class", "" },
		{ "550 no status", "" },
		{ "550 5.1 short", "" },
		{ "550 5.1.1234 long", "" },
		{ "550 5.1.1", "5.1.1" },
	};
	char out[12];
	size_t i;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = smtp_reply_status(v[i].text, out);
		if (!*v[i].want)
			CHECK(n == 0);
		else
			CHECK(n && !strcmp(out, v[i].want));
	}
}

UNIT_SUITE(reply_tests) = {
	{ "reply: line splitting and the 512-byte limit", line_find },
	{ "reply: assembly, codes, mixed codes", assemble },
	{ "reply: line cap, text truncation, control chars", limits },
	{ "reply: enhanced status codes", status },
	UNIT_END
};
