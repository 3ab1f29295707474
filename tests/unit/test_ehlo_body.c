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
	char out[4096];
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
		{ "a\rb\n", "a\r\nb\r\n.\r\n" },          /* bare CR: a line end */
		{ "a\r.\r\nMAIL", "a\r\n..\r\nMAIL\r\n.\r\n" }, /* smuggling */
		{ "a\n.\rb", "a\r\n..\r\nb\r\n.\r\n" },
		{ "\r\r\n", "\r\n\r\n.\r\n" },
		{ "\r", "\r\n.\r\n" },
		{ "\n\n", "\r\n\r\n.\r\n" },
		{ "\xc3\xa9\n", "\xc3\xa9\r\n.\r\n" },    /* 8-bit kept */
	};
	size_t i, step;
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (step = 1; step <= 4; step++)
			CHECK(enc(v[i].in, step, v[i].want));
}

/* Lines over BODY_LINE_MAX octets are broken with CR LF SPACE; a line of
 * exactly BODY_LINE_MAX is not; a stuffed dot counts. */
static void long_lines(void)
{
	static char in[3000], want[3100];
	size_t i, w = 0, step;

	size_t col = 0;

	memset(in, 'x', 2000);
	in[2000] = 0;
	/* A break where the wire column reaches BODY_LINE_MAX; the inserted
	 * space is the next line's first octet. */
	for (i = 0; i < 2000; i++) {
		if (col == BODY_LINE_MAX) {
			memcpy(want + w, "\r\n ", 3);
			w += 3;
			col = 1;
		}
		want[w++] = 'x';
		col++;
	}
	memcpy(want + w, "\r\n.\r\n", 6);
	want[w + 6] = 0;
	for (step = 1; step <= 7; step += 3)
		CHECK(enc(in, step, want));
	memset(in, 'y', BODY_LINE_MAX);
	strcpy(in + BODY_LINE_MAX, "\n");
	memcpy(want, in, BODY_LINE_MAX);
	strcpy(want + BODY_LINE_MAX, "\r\n.\r\n");
	CHECK(enc(in, 5, want));
	in[0] = '.';           /* stuffed: 999 octets, broken before the last */
	want[0] = '.';
	want[1] = '.';
	memset(want + 2, 'y', BODY_LINE_MAX - 2);
	strcpy(want + BODY_LINE_MAX, "\r\n y\r\n.\r\n");
	CHECK(enc(in, 5, want));
}

/* Whatever the bytes, the wire has only CR LF line ends, no line over
 * BODY_LINE_MAX octets and no lone dot before the end (xorshift bytes
 * biased to CR, LF and dots). */
static void no_smuggling(void)
{
	static char in[4096], out[BODY_ENC_MAX(4096) + BODY_ENC_FINISH_MAX];
	static const char alphabet[] = "\r\n.\r\n.x\0";
	unsigned long long x = 88172645463325252ULL;
	int round;

	for (round = 0; round < 200; round++) {
		struct body_enc b;
		size_t n = (size_t)(x % sizeof in), i, o, col = 0;
		for (i = 0; i < n; i++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			in[i] = (x >> 8) % 4 ? alphabet[x % (sizeof alphabet - 1)]
					     : (char)(x >> 16);
		}
		body_enc_init(&b);
		o = body_enc_chunk(&b, in, n, out);
		o += body_enc_finish(&b, out + o);
		CHECK(o >= 3 && !memcmp(out + o - 3, ".\r\n", 3));
		for (i = 0; i + 3 < o; i++) {
			if (out[i] == '\r') {
				CHECK(out[i + 1] == '\n');
			} else if (out[i] == '\n') {
				CHECK(i > 0 && out[i - 1] == '\r');
				/* never a lone dot line before the end */
				CHECK(!(out[i + 1] == '.' && out[i + 2] == '\r' &&
					i + 3 < o - 3));
				col = 0;
				continue;
			} else {
				col++;
				CHECK(col <= BODY_LINE_MAX);
			}
		}
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
	}
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
		{ "a\rb", 6, 0 },          /* bare CR: CR LF */
		{ ".\n", 3, 0 },           /* stuffing not counted */
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

/* The header's Date field, found in chunks of every size: a field name
 * in any case, never a body line, a longer name, or a continuation. */
static void has_date(void)
{
	static const struct { const char *in; int date; } v[] = {
		{ "Date: Sun, 29 Nov 2026 12:00:00 +0000\nSubject: x\n\nb\n", 1 },
		{ "Subject: x\nDATE:now\n\nbody\n", 1 },
		{ "Subject: x\r\ndate: now\r\n\r\nbody\r\n", 1 },
		{ "Subject: x\n\nDate: in the body\n", 0 },
		{ "Dated: no\nX-Date: no\n\n", 0 },
		{ "Subject: a\n Date: folded\n\n", 0 },
		{ "Date :obsolete space\n\n", 0 },
		{ "Dat", 0 },
		{ "", 0 },
	};
	size_t i, step, k;

	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		for (step = 1; step <= 7; step++) {
			struct body_info b;
			size_t n = strlen(v[i].in);
			body_info_init(&b);
			for (k = 0; k < n; k += step)
				body_info_chunk(&b, v[i].in + k,
						n - k < step ? n - k : step);
			body_info_finish(&b);
			CHECK(b.has_date == v[i].date);
		}
}

UNIT_SUITE(ehlo_tests) = {
	{ "ehlo: keywords, SIZE values, unknown and near-miss keywords", ehlo },
	UNIT_END
};
UNIT_SUITE(body_tests) = {
	{ "body: dot-stuffing, bare LF, final CRLF, chunk boundaries", encoder },
	{ "body: SIZE and 8-bit scan", info },
	{ "body: the header's Date field in chunks of any size", has_date },
	{ "body: lines over 998 octets broken with CR LF SPACE", long_lines },
	{ "body: any bytes give CR LF only, short lines, no early end",
	  no_smuggling },
	UNIT_END
};
