/* Unit tests: the TLS adapter's trust store (tls.h), with the system's
 * CA bundle (ca-certificates, installed by tools/deps.sh) and with
 * malformed and oversized input. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "tls.h"
#include "unit.h"

#if CONFIG_TLS
#define BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static char bundle[300000];

static size_t read_bundle(void)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(BUNDLE, O_RDONLY);
	CHECK(fd >= 0);
	if (fd < 0)
		return 0;
	while ((n = read(fd, bundle + len, sizeof bundle - len)) > 0)
		len += (size_t)n;
	close(fd);
	return len;
}

static size_t count(const char *s, size_t len, const char *what)
{
	size_t n = 0, k = strlen(what), i;
	for (i = 0; i + k <= len; i++)
		if (!memcmp(s + i, what, k))
			n++;
	return n;
}

/* Loads buf in pieces of step bytes. */
static int load(const char *buf, size_t len, size_t step, size_t limit,
		struct tls_anchor_stats *st, const char **why)
{
	size_t off;
	tls_anchors_reset(limit);
	for (off = 0; off < len; off += step)
		if (tls_anchors_push(buf + off, len - off < step ? len - off : step,
				     why) < 0) {
			tls_anchors_finish(st, why);
			return -1;
		}
	return tls_anchors_finish(st, why);
}

static void system_bundle(void)
{
	struct tls_anchor_stats st, st1;
	const char *why = 0;
	size_t len = read_bundle(), certs = count(bundle, len, "BEGIN CERTIFICATE");

	CHECK(certs >= 100);
	CHECK(load(bundle, len, 4096, 0, &st, &why) == 0);
	CHECK(st.anchors == certs && st.skipped == 0 && st.objects == certs);
	CHECK(st.bytes > 0 && st.bytes <= TLS_ANCHOR_BYTES);
	printf("     %zu anchors in %zu of %d bytes\n", st.anchors, st.bytes,
	       TLS_ANCHOR_BYTES);
	/* The same, a byte at a time: the decoders stream. */
	CHECK(load(bundle, len, 1, 0, &st1, &why) == 0);
	CHECK(st1.anchors == st.anchors && st1.bytes == st.bytes);
	/* Too small a store: a clear refusal, not a partial silent load. */
	CHECK(load(bundle, len, 4096, 20000, &st, &why) < 0);
	CHECK(why && strstr(why, "TLS_ANCHOR_BYTES"));
	CHECK(st.anchors < certs && st.bytes <= 20000);
	/* Cut in the middle of a certificate. */
	CHECK(load(bundle, 3000, 512, 0, &st, &why) < 0 &&
	      strstr(why, "ends inside"));
}

/* Appends 600 zero bytes (100 base64 lines: several pieces from the PEM
 * decoder) and the END line at buf + n; returns the new length. */
static size_t zeros_and_end(char *buf, size_t n)
{
	size_t i;
	for (i = 0; i < 100; i++)
		n += (size_t)sprintf(buf + n, "AAAAAAAA\n");
	return n + (size_t)sprintf(buf + n, "-----END CERTIFICATE-----\n");
}

/* The object is skipped, fed a byte at a time and in 4 KiB pieces. */
static void check_skipped(const char *buf, size_t n)
{
	struct tls_anchor_stats st;
	const char *why = 0;
	CHECK(load(buf, n, 1, 0, &st, &why) == 0 &&
	      st.anchors == 0 && st.skipped == 1);
	CHECK(load(buf, n, 4096, 0, &st, &why) == 0 &&
	      st.anchors == 0 && st.skipped == 1);
}

static void malformed(void)
{
	struct tls_anchor_stats st;
	const char *why = 0;
	static const char bad64[] = "-----BEGIN CERTIFICATE-----\n!!!!\n"
				    "-----END CERTIFICATE-----\n";
	static const char notcert[] = "-----BEGIN CERTIFICATE-----\nAAAA\n"
				      "-----END CERTIFICATE-----\n";
	static const char key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
				  "-----END PRIVATE KEY-----\n";
	static const char text[] = "no PEM here at all\n";

	CHECK(load(bad64, sizeof bad64 - 1, 7, 0, &st, &why) < 0 &&
	      strstr(why, "malformed PEM"));
	CHECK(load(notcert, sizeof notcert - 1, 64, 0, &st, &why) == 0 &&
	      st.anchors == 0 && st.skipped == 1);
	CHECK(load(key, sizeof key - 1, 64, 0, &st, &why) == 0 &&
	      st.anchors == 0 && st.skipped == 0 && st.objects == 1);
	CHECK(load(text, sizeof text - 1, 64, 0, &st, &why) == 0 &&
	      st.objects == 0);
	/* 600 zero bytes: the decoder stops at the first, and the rest (in
	 * several pieces from the PEM decoder) must not reach it again. */
	{
		static char longbad[2000];
		size_t n = (size_t)sprintf(longbad, "-----BEGIN CERTIFICATE-----\n");
		check_skipped(longbad, zeros_and_end(longbad, n));
	}
	/* A whole certificate and more bytes in the same object: once the
	 * certificate is decoded the decoder has ended (feeding it crashed,
	 * found by the anchors fuzz harness); the object is skipped. */
	{
		static char one[9000];
		size_t len = read_bundle();
		const char *b = bundle, *e;
		int found = 0;
		while ((b = strstr(b, "-----BEGIN CERTIFICATE-----")) != 0 &&
		       (e = strstr(b, "-----END CERTIFICATE-----")) != 0) {
			/* a body without '=' padding can take a whole quantum more */
			if (!memchr(b, '=', (size_t)(e - b)) && (size_t)(e - b) < 7000) {
				size_t k = (size_t)(e - b);
				memcpy(one, b, k);
				check_skipped(one, zeros_and_end(one, k));
				found = 1;
				break;
			}
			b = e;
		}
		CHECK(found && len);
	}
}

/* The base64 of the bundle's first certificate, in one line, into b64. */
static size_t first_b64(char *b64, size_t size)
{
	size_t len = read_bundle(), n = 0;
	const char *b = strstr(bundle, "-----BEGIN CERTIFICATE-----\n");
	const char *e = b ? strstr(b, "-----END CERTIFICATE-----") : 0;

	CHECK(len && b && e);
	if (!b || !e)
		return 0;
	for (b += 28; b < e && n + 1 < size; b++)
		if (*b != '\n' && *b != '\r')
			b64[n++] = *b;
	b64[n] = 0;
	return n;
}

/* Loads text in pieces of 1 and of 5 bytes: both results must agree;
 * returns the first's. */
static int load_text(const char *text, struct tls_anchor_stats *st,
		     const char **why)
{
	struct tls_anchor_stats st5;
	const char *why5 = 0;
	int rc = load(text, strlen(text), 1, 0, st, why);
	CHECK(load(text, strlen(text), 5, 0, &st5, &why5) == rc);
	CHECK(st5.anchors == st->anchors && st5.objects == st->objects);
	return rc;
}

/* The PEM reader (tls_pem.c) through the store: what RFC 7468 allows
 * (CRLF, blanks, text around objects, any line length inside, no LF
 * after the last line) is read; what it does not is malformed. */
static void pem_forms(void)
{
	static char b64[4096], text[9000], body[5000];
	struct tls_anchor_stats st;
	const char *why = 0;
	size_t n = first_b64(b64, sizeof b64), i, k = 0;

	CHECK(n > 100 && n % 4 == 0);
	/* CRLF, blanks at line ends, text before, between and after, lines
	 * of 61 characters (not whole quanta of 4). */
	for (i = 0; i < n; i += 61)
		k += (size_t)snprintf(body + k, sizeof body - k, "%.61s \r\n",
				      b64 + i);
	snprintf(text, sizeof text, "Issuer: some CA\r\n"
		 "-----BEGIN CERTIFICATE-----\r\n%s-----END CERTIFICATE-----"
		 "\r\nbetween\n-----BEGIN CERTIFICATE-----\n%s"
		 "-----END CERTIFICATE-----", body, body);
	CHECK(load_text(text, &st, &why) == 0 && st.anchors == 2 &&
	      st.objects == 2);
	/* One line of the whole body: over TLS_PEM_LINE_SIZE inside an
	 * object is malformed... */
	CHECK(n > TLS_PEM_LINE_SIZE);
	snprintf(text, sizeof text, "-----BEGIN CERTIFICATE-----\n%s\n"
		 "-----END CERTIFICATE-----\n", b64);
	CHECK(load_text(text, &st, &why) < 0 && strstr(why, "malformed PEM"));
	/* ...and outside one it is text, as is a name over
	 * TLS_PEM_NAME_SIZE. */
	snprintf(text, sizeof text, "%s\n-----BEGIN %s-----\n-----BEGIN "
		 "CERTIFICATE-----\n%s-----END CERTIFICATE-----\n", b64, b64,
		 body);
	CHECK(load_text(text, &st, &why) == 0 && st.anchors == 1 &&
	      st.objects == 1);
	/* An END of another name; data after the padding; padding first;
	 * three of four characters padding; a quantum cut short by the END
	 * line. */
	snprintf(text, sizeof text, "-----BEGIN CERTIFICATE-----\n%s"
		 "-----END X509 CERTIFICATE-----\n", body);
	CHECK(load_text(text, &st, &why) < 0 && strstr(why, "malformed PEM"));
	CHECK(load_text("-----BEGIN X-----\nAA==AAAA\n-----END X-----\n", &st,
			&why) < 0);
	CHECK(load_text("-----BEGIN X-----\n=AAA\n-----END X-----\n", &st,
			&why) < 0);
	CHECK(load_text("-----BEGIN X-----\nA===\n-----END X-----\n", &st,
			&why) < 0);
	CHECK(load_text("-----BEGIN X-----\nAAAAAA\n-----END X-----\n", &st,
			&why) < 0);
	CHECK(load_text("-----BEGIN X-----\nAA==\n-----END X-----\n", &st,
			&why) == 0 && st.objects == 1 && st.anchors == 0);
}

UNIT_SUITE(tls_tests) = {
	{ "tls: the system CA bundle as trust anchors", system_bundle },
	{ "tls: PEM forms RFC 7468 allows and those it does not", pem_forms },
	{ "tls: malformed bundles (a decoder stopped early is not fed again)",
	  malformed },
	UNIT_END
};
#else
static void off(void)
{
	printf("     TLS is not built in (CONFIG_TLS=0): no trust store to test\n");
}
UNIT_SUITE(tls_tests) = {
	{ "tls: skipped, CONFIG_TLS=0", off },
	UNIT_END
};
#endif
