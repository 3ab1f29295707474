/* body.c: see body.h. */
#include <string.h>
#include "body.h"

void body_enc_init(struct body_enc *b)
{
	b->bol = 1;
	b->cr = 0;
	b->col = 0;
}

/* One step of the encoder for byte c: writes to out (when not null) what
 * goes on the wire and returns how many bytes, *stuffed counting a doubled
 * dot among them. c < 0 is the end of the data: a held CR, or a last line
 * without its end, gets its CR LF. */
static size_t step(struct body_enc *b, int c, char *out, size_t *stuffed)
{
	char tmp[8];
	size_t o = 0;

	if (!out)
		out = tmp;
	if (b->cr || (c < 0 && !b->bol)) {
		out[o++] = '\r';
		out[o++] = '\n';
		b->bol = 1;
		b->col = 0;
		if (b->cr && c == '\n') {
			b->cr = 0;
			return o;
		}
		b->cr = 0;
	}
	if (c < 0)
		return o;
	if (c == '\r') {
		b->cr = 1;
		return o;
	}
	if (c == '\n') {
		out[o++] = '\r';
		out[o++] = '\n';
		b->bol = 1;
		b->col = 0;
		return o;
	}
	if (b->col == BODY_LINE_MAX) {
		out[o++] = '\r';
		out[o++] = '\n';
		out[o++] = ' ';
		b->col = 1;
	}
	if (b->bol && c == '.') {
		out[o++] = '.';
		b->col++;
		(*stuffed)++;
	}
	out[o++] = (char)c;
	b->col++;
	b->bol = 0;
	return o;
}

/* In the middle of a line, nothing held: how many of in[0..n) go out as
 * they are (no CR, no LF, within the line's octets). The fast path of
 * both passes over a message; step() takes every other byte. */
static size_t plain_run(const struct body_enc *b, const char *in, size_t n,
			unsigned char *or8)
{
	size_t k = 0, room;
	unsigned char or = 0;

	if (b->cr || b->bol || b->col >= BODY_LINE_MAX)
		return 0;
	room = BODY_LINE_MAX - b->col;
	if (n > room)
		n = room;
	while (k < n && in[k] != '\r' && in[k] != '\n')
		or |= (unsigned char)in[k++];
	*or8 |= or;
	return k;
}

size_t body_enc_chunk(struct body_enc *b, const char *in, size_t n, char *out)
{
	size_t i = 0, o = 0, k, stuffed = 0;
	unsigned char or8 = 0;

	while (i < n) {
		k = plain_run(b, in + i, n - i, &or8);
		if (k) {
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
			b->col += k;
			continue;
		}
		o += step(b, (unsigned char)in[i++], out + o, &stuffed);
	}
	return o;
}

size_t body_enc_finish(struct body_enc *b, char *out)
{
	size_t stuffed = 0, o = step(b, -1, out, &stuffed);

	out[o++] = '.';
	out[o++] = '\r';
	out[o++] = '\n';
	body_enc_init(b);
	return o;
}

void body_info_init(struct body_info *i)
{
	i->size = 0;
	i->eightbit = 0;
	i->header8 = 0;
	i->header_done = 0;
	i->blank = 1;
	i->has_date = 0;
	i->hcol = 0;
	i->hdate = 1;
	body_enc_init(&i->e);
}

void body_info_chunk(struct body_info *info, const char *in, size_t n)
{
	size_t k = 0, j, stuffed = 0, o = 0;

	while (k < n) {
		unsigned char c = 0;
		/* The header byte by byte (it is short): its Date field. */
		j = info->header_done ? plain_run(&info->e, in + k, n - k, &c) : 0;
		if (j) {
			/* Mid-line: the line is not empty (blank is 0). */
			if (c & 0x80) {
				info->eightbit = 1;
				info->header8 |= !info->header_done;
			}
			info->e.col += j;
			o += j;
			k += j;
			continue;
		}
		c = (unsigned char)in[k++];
		if (c & 0x80) {
			info->eightbit = 1;
			info->header8 |= !info->header_done;
		}
		/* The header ends at the first empty line (CRs aside). */
		if (c == '\n') {
			info->header_done |= info->blank;
			info->blank = 1;
			info->hcol = 0;
			info->hdate = 1;
		} else if (c != '\r') {
			info->blank = 0;
			if (!info->header_done && info->hcol < 5) {
				unsigned char l = c >= 'A' && c <= 'Z'
						  ? (unsigned char)(c + 32) : c;
				info->hdate &= l == (unsigned char)"date:"[info->hcol];
				if (++info->hcol == 5 && info->hdate)
					info->has_date = 1;
			}
		}
		o += step(&info->e, c, 0, &stuffed);
	}
	info->size += (unsigned long)(o - stuffed);
}

void body_info_finish(struct body_info *info)
{
	size_t stuffed = 0;

	info->size += (unsigned long)step(&info->e, -1, 0, &stuffed);
}
