/* libFuzzer harness: json.h. The first byte picks the key; the rest is
 * the document. Whatever is accepted is one whole object: cut short it
 * is refused; a string found is valid UTF-8 without NUL; an object or
 * array found reads back as itself; a presence test agrees. */
#include <assert.h>
#include <stdint.h>
#include <string.h>
#include "json.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "a", "access_token", "error", "" };
	const char *why = 0, *doc;
	char out[256], again[256 + 8];
	size_t len, i, n;
	int r;

	if (!size)
		return 0;
	doc = (const char *)data + 1;
	len = size - 1;
	r = json_get(doc, len, keys[data[0] & 3], out, sizeof out, &why);
	assert(r >= -1 && r <= JSON_ARRAY);
	assert(memchr(out, 0, sizeof out));
	if (r < 0) {
		assert(why && !out[0]);
		return 0;
	}
	assert(json_get(doc, len, keys[data[0] & 3], 0, 0, &why) == r);
	n = len;
	while (n && strchr(" \t\r\n", doc[n - 1]))
		n--;
	assert(n && doc[n - 1] == '}');
	assert(json_get(doc, n - 1, keys[data[0] & 3], 0, 0, &why) == -1);
	if (r == JSON_STRING) {
		n = strlen(out);
		for (i = 0; i < n; i += len) {
			unsigned long cp;
			len = utf8_char((const unsigned char *)out + i, n - i, &cp);
			assert(len);
		}
	}
	if (r == JSON_OBJECT || r == JSON_ARRAY) {
		n = strlen(out);
		memcpy(again, "{\"a\":", 5);
		memcpy(again + 5, out, n);
		again[5 + n] = '}';
		assert(json_get(again, n + 6, "a", out, sizeof out, &why) == r);
		assert(!memcmp(again + 5, out, n) && !out[n]);
	}
	return 0;
}
