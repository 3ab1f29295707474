/* dotend.c: see dotend.h. */
#include "dotend.h"

void dotend_init(struct dotend *d, int on)
{
	d->on = on;
	d->unstuff = 0;
	d->bol = 1;
	d->held = 0;
	d->ended = 0;
	d->used = 0;
}

/* Writes the held bytes to out (in SMTP DATA the dot was stuffing). */
static size_t release(struct dotend *d, char *out)
{
	size_t n = 0;
	if (d->held) {
		if (!d->unstuff)
			out[n++] = '.';
		if (d->held == 2)
			out[n++] = '\r';
	}
	d->held = 0;
	return n;
}

size_t dotend_filter(struct dotend *d, const char *in, size_t n, char *out)
{
	size_t i, k = 0;

	for (i = 0; i < n && !d->ended; i++) {
		char c = in[i];
		if (d->on && d->bol && !d->held && c == '.') {
			d->held = 1;
			continue;
		}
		if (d->held == 1 && c == '\r') {
			d->held = 2;
			continue;
		}
		if (d->held && c == '\n') {
			d->held = 0;
			d->ended = 1;
			d->used = i + 1;
			break;
		}
		k += release(d, out + k);
		out[k++] = c;
		d->bol = c == '\n';
	}
	return k;
}

size_t dotend_finish(struct dotend *d, char *out)
{
	return d->ended ? 0 : release(d, out);
}
