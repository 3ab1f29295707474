/* libFuzzer harness: the trust store (tls.h) fed arbitrary bundles. The
 * first byte picks the piece size (1..256 bytes, so that every split of
 * the PEM and of each certificate is tried) and the second a byte limit
 * for the store; the rest is the bundle. Whatever the bytes: the store
 * never holds more than TLS_ANCHORS_MAX anchors or its limit in bytes,
 * every refusal comes with a reason, and the store is usable after it.
 * BearSSL itself comes from the project's own build (libbearssl.a); this
 * harness instruments the store around it. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "config.h"
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if CONFIG_TLS
	struct tls_anchor_stats st;
	const char *why = 0;
	size_t piece, limit, off;
	int bad = 0;

	if (size < 2)
		return 0;
	piece = (size_t)data[0] + 1;
	limit = (size_t)data[1] * 512;
	data += 2;
	size -= 2;
	tls_anchors_reset(limit);
	for (off = 0; off < size && !bad; off += piece) {
		size_t n = size - off < piece ? size - off : piece;
		if (tls_anchors_push(data + off, n, &why) < 0) {
			assert(why && why[0]);
			bad = 1;
		}
	}
	if (!bad && tls_anchors_finish(&st, &why) == 0) {
		assert(st.anchors <= TLS_ANCHORS_MAX);
		assert(st.bytes <= (limit ? limit : TLS_ANCHOR_BYTES));
		assert(st.bytes <= TLS_ANCHOR_BYTES);
	}
#else
	(void)data;
	(void)size;
#endif
	return 0;
}
