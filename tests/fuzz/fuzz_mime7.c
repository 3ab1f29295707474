/* libFuzzer harness: the 8-bit to 7-bit converter (mime7.h). The first
 * byte picks the input piece size, the second the output room. Whatever
 * the bytes: the two passes never overflow; when pass 1 says the message
 * can be converted, pass 2's output has no 8-bit byte; and the output is
 * the same for any pieces and room. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "mime7.h"

static struct mime7 m;

static size_t run(const uint8_t *data, size_t size, size_t step, size_t room,
		  char *out, size_t cap, const char **why)
{
	size_t pos, len = 0, k, used;

	mime7_init(&m);
	for (pos = 0; pos < size; pos += k) {
		k = size - pos < step ? size - pos : step;
		mime7_scan(&m, (const char *)data + pos, k);
	}
	*why = mime7_scan_end(&m);
	mime7_start_convert(&m);
	for (pos = 0; pos < size;) {
		size_t r = cap - len < room ? cap - len : room;
		k = size - pos < step ? size - pos : step;
		len += mime7_run(&m, (const char *)data + pos, k, &used, out + len, r);
		pos += used;
		assert(len <= cap);
	}
	while ((k = mime7_end(&m, out + len, cap - len < room ? cap - len : room)))
		len += k;
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step, room, cap, n1, n2, i;
	const char *why1, *why2;
	char *o1, *o2;

	if (size < 2 || size > 65536)
		return 0;
	step = data[0] % 200 + 1;
	room = data[1] % 100 + 1;
	data += 2;
	size -= 2;
	/* Quoted-printable at most triples a byte, plus soft breaks and the
	 * fields added: 4 times the input and a margin. */
	cap = 4 * size + 4096;
	o1 = malloc(cap);
	o2 = malloc(cap);
	n1 = run(data, size, step, room, o1, cap, &why1);
	n2 = run(data, size, size ? size : 1, cap, o2, cap, &why2);
	assert(n1 == n2 && !memcmp(o1, o2, n1) && why1 == why2);
	if (!why1)
		for (i = 0; i < n1; i++)
			assert(!((unsigned char)o1[i] & 0x80));
	free(o1);
	free(o2);
	return 0;
}
