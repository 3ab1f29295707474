/* Unit tests: the TLS adapter's trust store (tls.h), with the system's
 * CA bundle (ca-certificates, installed by tools/deps.sh) and with
 * malformed and oversized input. */
#include <fcntl.h>
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

UNIT_SUITE(tls_tests) = {
	{ "tls: the system CA bundle as trust anchors", system_bundle },
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
