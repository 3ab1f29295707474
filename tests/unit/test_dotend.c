/* test_dotend.c: sendmail's end-of-message filter (dotend.h), fed every
 * input in chunks of every size so that each held "." and ".\r" meets a
 * chunk edge. */
#include "dotend.h"
#include "unit.h"

/* Runs in[0..n) through a filter in chunks of chunk bytes; returns the
 * output length and whether the end line was seen. */
static size_t run(int on, const char *in, size_t n, size_t chunk, char *out,
		  int *ended)
{
	struct dotend d;
	size_t pos = 0, k = 0;

	dotend_init(&d, on);
	while (pos < n) {
		size_t c = n - pos < chunk ? n - pos : chunk;
		k += dotend_filter(&d, in + pos, c, out + k);
		pos += c;
	}
	k += dotend_finish(&d, out + k);
	*ended = d.ended;
	return k;
}

static const struct {
	int on;
	const char *in, *out;
	int ended;
} cases[] = {
	{ 1, "a\n.\nb\n", "a\n", 1 },
	{ 1, "a\r\n.\r\nb\n", "a\r\n", 1 },
	{ 1, ".\n", "", 1 },
	{ 1, "..\n", "..\n", 0 },                 /* no unstuffing */
	{ 1, ".a\n.\n", ".a\n", 1 },
	{ 1, "a.\n.b\n", "a.\n.b\n", 0 },
	{ 1, "a\n.", "a\n.", 0 },                  /* "." at the end: text */
	{ 1, "a\n.\r", "a\n.\r", 0 },              /* ".\r" at the end: text */
	{ 1, "a\n.\rx\n", "a\n.\rx\n", 0 },
	{ 1, "a\n.\r.\n", "a\n.\r.\n", 0 },       /* the second dot is mid-line */
	{ 1, "\n.\n", "\n", 1 },
	{ 1, "x\n.\nrest\n.\nmore", "x\n", 1 },   /* the rest is ignored */
	{ 0, "a\n.\nb\n", "a\n.\nb\n", 0 },       /* -i */
	{ 0, ".\n", ".\n", 0 },
	{ 1, "", "", 0 },
};

static void dotend_cases(void)
{
	size_t i, chunk;
	char out[64];

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].in);
		for (chunk = 1; chunk <= n + 1; chunk++) {
			int ended;
			size_t k = run(cases[i].on, cases[i].in, n, chunk, out,
				       &ended);
			CHECK_MEM(out, k, cases[i].out);
			CHECK(ended == cases[i].ended);
		}
	}
}

/* The output never needs more than n + 2 bytes for n bytes in: ".\r"
 * held from one chunk comes out with the next chunk's first byte. */
static void dotend_room(void)
{
	struct dotend d;
	char out[8];
	size_t k;

	memset(out, '#', sizeof out);
	dotend_init(&d, 1);
	CHECK(dotend_filter(&d, "\n.\r", 3, out) == 1);
	k = dotend_filter(&d, "x", 1, out);
	CHECK(k == 3);
	CHECK(out[3] == '#');
	CHECK_MEM(out, k, ".\rx");
	/* After the end, nothing more comes out. */
	dotend_init(&d, 1);
	CHECK(dotend_filter(&d, ".\n", 2, out) == 0);
	CHECK(d.ended);
	CHECK(dotend_filter(&d, "abc", 3, out) == 0);
	CHECK(dotend_finish(&d, out) == 0);
}

UNIT_SUITE(dotend_tests) = {
	{ "dotend: every case in chunks of every size", dotend_cases },
	{ "dotend: output room and nothing after the end", dotend_room },
	UNIT_END
};
