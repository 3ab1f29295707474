/* body.c: see body.h. */
#include "body.h"

void body_enc_init(struct body_enc *b)
{
	b->bol = 1;
	b->cr = 0;
}

size_t body_enc_chunk(struct body_enc *b, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = in[i];
		if (c == '\n') {
			if (!b->cr)
				out[o++] = '\r';
			out[o++] = '\n';
			b->bol = 1;
			b->cr = 0;
			continue;
		}
		if (b->bol && c == '.')
			out[o++] = '.';
		out[o++] = c;
		b->bol = 0;
		b->cr = c == '\r';
	}
	return o;
}

size_t body_enc_finish(struct body_enc *b, char *out)
{
	size_t o = 0;

	if (!b->bol) {
		if (!b->cr)
			out[o++] = '\r';
		out[o++] = '\n';
	}
	out[o++] = '.';
	out[o++] = '\r';
	out[o++] = '\n';
	b->bol = 1;
	b->cr = 0;
	return o;
}

void body_info_init(struct body_info *i)
{
	i->size = 0;
	i->eightbit = 0;
	i->lf = 1; /* an empty message needs no line end */
	i->cr = 0;
}

void body_info_chunk(struct body_info *info, const char *in, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		unsigned char c = (unsigned char)in[k];
		if (c == '\n' && !info->cr)
			info->size++;
		if (c & 0x80)
			info->eightbit = 1;
		info->cr = c == '\r';
		info->lf = c == '\n';
	}
	info->size += n;
}

void body_info_finish(struct body_info *info)
{
	if (!info->lf)
		info->size += info->cr ? 1 : 2;
	info->lf = 1;
	info->cr = 0;
}
