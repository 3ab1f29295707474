/* body.h: message bytes as SMTP DATA (RFC 5321 §4.5.2, §2.3.8), pure.
 *
 * Messages are stored with Unix line ends. The encoder turns every LF not
 * preceded by CR into CR LF, doubles a dot at the start of a line, and on
 * finish adds CR LF if the data did not end with a line end, then ".\r\n".
 * It keeps its state between calls, so a message streams through it in
 * chunks of any size. CR not followed by LF is passed through unchanged.
 */
#ifndef BODY_H
#define BODY_H

#include <stddef.h>

struct body_enc {
	int bol; /* next byte starts a line */
	int cr;  /* last byte was CR */
};

/* Worst-case output for n input bytes: each byte may become two. */
#define BODY_ENC_MAX(n) (2 * (n))
/* Bytes body_enc_finish() may write. */
#define BODY_ENC_FINISH_MAX 5

void body_enc_init(struct body_enc *b);

/* Encodes in[0..n) into out, which must have room for BODY_ENC_MAX(n)
 * bytes. Returns the bytes written. */
size_t body_enc_chunk(struct body_enc *b, const char *in, size_t n, char *out);

/* Writes the end of data (a CR LF when the last line had none, then
 * ".\r\n") into out, room BODY_ENC_FINISH_MAX. Returns the bytes written. */
size_t body_enc_finish(struct body_enc *b, char *out);

/* What a message's bytes are, for MAIL FROM's parameters. */
struct body_info {
	unsigned long size; /* size with CR LF line ends, without dot
	                       stuffing and without the final dot (RFC 1870) */
	int eightbit;       /* some byte has the high bit set */
	int lf;             /* internal: last byte was LF */
	int cr;             /* internal: last byte was CR */
};

void body_info_init(struct body_info *i);
/* Accounts for in[0..n). */
void body_info_chunk(struct body_info *i, const char *in, size_t n);
/* Accounts for the line end the encoder adds at the end, if any. */
void body_info_finish(struct body_info *i);

#endif
