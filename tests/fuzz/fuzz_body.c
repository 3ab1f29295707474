/* libFuzzer harness: the DATA encoder. The first byte picks the chunk
 * size. The output has only CR LF line ends after LF, ends with the dot
 * line, has no lone-dot line before it, and un-stuffing it gives back the
 * input with bare LF made CR LF and a final line end added. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "body.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct body_enc e;
	struct body_info info;
	size_t step, i, o = 0, k;
	char *out, *want;
	size_t wn = 0;

	if (size < 1 || size > 65536)
		return 0;
	step = data[0] % 64 + 1;
	data++;
	size--;
	out = malloc(BODY_ENC_MAX(size) + BODY_ENC_FINISH_MAX);
	want = malloc(2 * size + 3);
	body_enc_init(&e);
	body_info_init(&info);
	for (i = 0; i < size; i += step) {
		size_t n = size - i < step ? size - i : step;
		o += body_enc_chunk(&e, (const char *)data + i, n, out + o);
		body_info_chunk(&info, (const char *)data + i, n);
	}
	o += body_enc_finish(&e, out + o);
	body_info_finish(&info);
	/* The expected wire text without stuffing. */
	for (i = 0; i < size; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			want[wn++] = '\r';
		want[wn++] = (char)data[i];
	}
	if (wn && want[wn - 1] != '\n') {
		if (want[wn - 1] != '\r')
			want[wn++] = '\r';
		want[wn++] = '\n';
	}
	assert(info.size == wn);
	assert(o >= 3 && !memcmp(out + o - 3, ".\r\n", 3));
	assert(o == 3 || (o >= 5 && out[o - 5] == '\r' && out[o - 4] == '\n'));
	/* Un-stuff line by line and compare. */
	for (i = 0, k = 0; i < o - 3;) {
		size_t end = i;
		while (end < o - 3 && out[end] != '\n')
			end++;
		assert(end < o - 3 && out[end - 1] == '\r');
		if (out[i] == '.') {
			assert(end - i > 2); /* never a lone dot */
			i++;
		}
		assert(!memcmp(out + i, want + k, end + 1 - i));
		k += end + 1 - i;
		i = end + 1;
	}
	assert(k == wn);
	free(out);
	free(want);
	return 0;
}
