/* libFuzzer harness: the DATA encoder. The first byte picks the chunk
 * size. Whatever the bytes: the output has only CR LF line ends (no bare
 * CR, no bare LF), no line over BODY_LINE_MAX octets, no lone-dot line
 * before the final one, never more than BODY_ENC_MAX per chunk, and
 * body_info's size is the output without its stuffed dots and final dot
 * line. The same bytes in one chunk give the same output, and the same
 * as ref(), the rules written out one byte at a time. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "body.h"

static size_t encode(const uint8_t *data, size_t size, size_t step, char *out,
		     struct body_info *info)
{
	struct body_enc e;
	size_t i, o = 0;

	body_enc_init(&e);
	body_info_init(info);
	for (i = 0; i < size; i += step) {
		size_t n = size - i < step ? size - i : step, k;
		k = body_enc_chunk(&e, (const char *)data + i, n, out + o);
		assert(k <= BODY_ENC_MAX(n));
		o += k;
		body_info_chunk(info, (const char *)data + i, n);
	}
	o += body_enc_finish(&e, out + o);
	body_info_finish(info);
	return o;
}

/* The encoding by its rules, byte by byte, nothing fast: a CR LF, a bare
 * CR and a bare LF are each one line end, CR LF; a line's leading dot is
 * doubled; a line longer than BODY_LINE_MAX octets is broken with CR LF
 * SPACE; the data ends with CR LF (when its last line had none) and the
 * ".\r\n" line. */
static size_t ref(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0, col = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\r' || in[i] == '\n') {
			if (in[i] == '\r' && i + 1 < n && in[i + 1] == '\n')
				i++;
			out[o++] = '\r';
			out[o++] = '\n';
			col = 0;
			continue;
		}
		if (col == BODY_LINE_MAX) {
			out[o++] = '\r';
			out[o++] = '\n';
			out[o++] = ' ';
			col = 1;
		}
		if (col == 0 && in[i] == '.') {
			out[o++] = '.';
			col++;
		}
		out[o++] = (char)in[i];
		col++;
	}
	if (col)
		o += (size_t)(memcpy(out + o, "\r\n", 2), 2);
	memcpy(out + o, ".\r\n", 3);
	return o + 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct body_info info, info1;
	size_t step, i, o, o1, col = 0, stuffed = 0;
	char *out, *out1;

	if (size < 1 || size > 65536)
		return 0;
	step = data[0] % 64 + 1;
	data++;
	size--;
	out = malloc(2 * BODY_ENC_MAX(size) + BODY_ENC_FINISH_MAX);
	out1 = malloc(2 * BODY_ENC_MAX(size) + BODY_ENC_FINISH_MAX);
	o = encode(data, size, step, out, &info);
	o1 = encode(data, size, size ? size : 1, out1, &info1);
	assert(o == o1 && !memcmp(out, out1, o) && info.size == info1.size);
	o1 = ref(data, size, out1);
	assert(o == o1 && !memcmp(out, out1, o));
	assert(o >= 3 && !memcmp(out + o - 3, ".\r\n", 3));
	assert(o == 3 || (o >= 5 && out[o - 5] == '\r' && out[o - 4] == '\n'));
	for (i = 0; i < o - 3; i++) {
		if (out[i] == '\r') {
			assert(out[i + 1] == '\n');
			continue;
		}
		if (out[i] == '\n') {
			assert(i > 0 && out[i - 1] == '\r');
			col = 0;
			continue;
		}
		if (col == 0 && out[i] == '.') {
			/* a line's leading dot is always doubled */
			assert(out[i + 1] == '.');
			stuffed++;
			i++;
			col = 2;
			continue;
		}
		col++;
		assert(col <= BODY_LINE_MAX);
	}
	assert(info.size == o - 3 - stuffed);
	free(out);
	free(out1);
	return 0;
}
