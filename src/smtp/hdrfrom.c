/* hdrfrom.c: see hdrfrom.h. */
#include <string.h>
#include "hdrfrom.h"

enum { LINE_START, COPY, DROP, BODY };

void hdrfrom_init(struct hdrfrom *h, const char *from)
{
	memset(h, 0, sizeof *h);
	h->from = from;
	h->state = LINE_START;
}

static size_t release(struct hdrfrom *h, char *out)
{
	size_t n = h->nheld;
	memcpy(out, h->held, n);
	h->nheld = 0;
	return n;
}

/* One byte at the start of a header line (or while "From:" is held). */
static size_t line_start(struct hdrfrom *h, char c, char *out, int *consumed)
{
	static const char want[] = "from:";
	char lc = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	size_t k = 0;

	*consumed = 1;
	if (!h->nheld && (c == '\n' || c == '\r')) {
		h->state = BODY;          /* the empty line ends the header */
		out[k++] = c;
		return k;
	}
	if (lc == want[h->nheld]) {
		h->held[h->nheld++] = c;
		if (h->nheld == 5) {
			h->nheld = 0;
			h->state = DROP;
		}
		return 0;
	}
	/* Not a From field: what was held goes out, the byte is taken
	 * again as an ordinary one. */
	k = release(h, out);
	h->state = COPY;
	*consumed = 0;
	return k;
}

size_t hdrfrom_run(struct hdrfrom *h, const char *in, size_t n, char *out)
{
	size_t i = 0, k = 0;

	if (!h->started) {
		static const char f[] = "From: ";
		memcpy(out, f, sizeof f - 1);
		k = sizeof f - 1;
		memcpy(out + k, h->from, strlen(h->from));
		k += strlen(h->from);
		out[k++] = '\n';
		h->started = 1;
	}
	while (i < n) {
		char c = in[i];
		int consumed = 1;
		switch (h->state) {
		case BODY:
			memcpy(out + k, in + i, n - i);
			return k + (n - i);
		case LINE_START:
			k += line_start(h, c, out + k, &consumed);
			break;
		case COPY:
			out[k++] = c;
			if (c == '\n')
				h->state = LINE_START;
			break;
		case DROP:
			/* The From field and its continuation lines. */
			if (c == '\n')
				h->state = DROP + 10;
			break;
		default:            /* after a dropped line: continuation? */
			if (c == ' ' || c == '\t')
				h->state = DROP;
			else {
				h->state = LINE_START;
				consumed = 0;
			}
			break;
		}
		i += (size_t)consumed;
	}
	return k;
}

size_t hdrfrom_end(struct hdrfrom *h, char *out)
{
	return release(h, out);
}
