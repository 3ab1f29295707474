/* EHLO keywords; dot-stuffing and line-end encoder; size and 8-bit scan. */
#include "body.h"
#include "smtp_ehlo.h"
#include "unit.h"

static void ehlo(void)
{
	struct smtp_ehlo e;
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "pipelining", 10);
	smtp_ehlo_line(&e, "SIZE 10240000", 13);
	smtp_ehlo_line(&e, "8BITMIME", 8);
	smtp_ehlo_line(&e, "X-UNKNOWN foo", 13);
	smtp_ehlo_line(&e, "STARTTLS", 8);
	CHECK(e.ext == (SMTP_EXT_PIPELINING | SMTP_EXT_SIZE |
			SMTP_EXT_8BITMIME | SMTP_EXT_STARTTLS));
	CHECK(e.size_max == 10240000);
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "SIZE", 4);
	CHECK((e.ext & SMTP_EXT_SIZE) && e.size_max == 0);
	smtp_ehlo_line(&e, "SIZE 99999999999999999999999", 27);
	CHECK(e.size_max == 0);
	smtp_ehlo_line(&e, "SIZE 12x", 8);
	CHECK(e.size_max == 0);
	smtp_ehlo_init(&e);
	smtp_ehlo_line(&e, "PIPELININGX", 11);
	smtp_ehlo_line(&e, "PIPE", 4);
	CHECK(e.ext == 0);
}

/* Encodes in, in chunks of step bytes, and compares with want. */
static int enc(const char *in, size_t step, const char *want)
{
	struct body_enc b;
	char out[1024];
	size_t n = strlen(in), o = 0, i;
	body_enc_init(&b);
	for (i = 0; i < n; i += step)
		o += body_enc_chunk(&b, in + i, n - i < step ? n - i : step, out + o);
	o += body_enc_finish(&b, out + o);
	return o == strlen(want) && !memcmp(out, want, o);
}

static void encoder(void)
{
	static const struct { const char *in, *want; } v[] = {
		{ "", ".\r\n" },
		{ "a\n", "a\r\n.\r\n" },
		{ "a", "a\r\n.\r\n" },                    /* no final newline */
		{ "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },      /* CRLF kept */
		{ ".\n", "..\r\n.\r\n" },                 /* a lone dot */
		{ ".x\n..y\n", "..x\r\n...y\r\n.\r\n" },  /* leading dots */
		{ "a\n.\nb", "a\r\n..\r\nb\r\n.\r\n" },
		{ "a.b\n", "a.b\r\n.\r\n" },              /* inner dot */
		{ "a\r", "a\r\n.\r\n" },                  /* ends in CR */
		{ "a\rb\n", "a\rb\r\n.\r\n" },            /* bare CR passed */
		{ "\n\n", "\r\n\r\n.\r\n" },
		{ "\xc3\xa9\n", "\xc3\xa9\r\n.\r\n" },    /* 8-bit kept */
	};
	size_t i, step;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (step = 1; step <= 4; step++)
			CHECK(enc(v[i].in, step, v[i].want));
}

static void info(void)
{
	static const struct { const char *in; unsigned long size; int eight; } v[] = {
		{ "", 0, 0 },
		{ "a\n", 3, 0 },
		{ "a", 3, 0 },
		{ "a\r\n", 3, 0 },
		{ "a\r", 3, 0 },
		{ "a\nb\n", 6, 0 },
		{ "\xff\n", 3, 1 },
	};
	size_t i;
	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct body_info b;
		body_info_init(&b);
		body_info_chunk(&b, v[i].in, strlen(v[i].in));
		body_info_finish(&b);
		CHECK(b.size == v[i].size);
		CHECK(b.eightbit == v[i].eight);
	}
}

UNIT_SUITE(ehlo_tests) = {
	{ "ehlo: keywords, SIZE values, unknown and near-miss keywords", ehlo },
	UNIT_END
};
UNIT_SUITE(body_tests) = {
	{ "body: dot-stuffing, bare LF, final CRLF, chunk boundaries", encoder },
	{ "body: SIZE and 8-bit scan", info },
	UNIT_END
};
