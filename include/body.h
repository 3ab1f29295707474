/* body.h: message bytes as SMTP DATA (RFC 5321 §4.5.2, §2.3.8), pure.
 *
 * Messages are stored with Unix line ends (CR LF accepted too). What goes
 * on the wire has only CR LF line ends and no line over BODY_LINE_MAX
 * octets, whatever the queued bytes are, so that no byte sequence can end
 * the DATA phase early at a server that takes a bare CR or LF for a line
 * end (SMTP smuggling, "<CR>.<CR><LF>"):
 *   - LF, CR LF and a bare CR each become one CR LF (a bare CR is a line
 *     end, as Postfix's cleanup makes it);
 *   - a dot at the start of a line is doubled;
 *   - a line that would pass BODY_LINE_MAX octets is broken by inserting
 *     CR LF SPACE (as Postfix's smtp_line_length_limit does);
 *   - on finish, CR LF if the data did not end with a line end, then
 *     ".\r\n".
 * NUL and 8-bit bytes pass unchanged (8BITMIME is the session's business).
 * The encoder keeps its state between calls, so a message streams through
 * it in chunks of any size.
 */
#ifndef BODY_H
#define BODY_H

#include <stddef.h>

/* Octets of a line on the wire, CR LF excluded: RFC 5321 §4.5.3.1.6. */
#define BODY_LINE_MAX 998

struct body_enc {
	int bol;     /* next byte starts a line */
	int cr;      /* a CR is held: CR LF or a bare CR, one line end */
	size_t col;  /* octets of this line on the wire so far */
};

/* Worst-case output for n input bytes: a held CR released as CR LF with a
 * stuffed dot (4 bytes for 2), a line break every BODY_LINE_MAX octets. */
#define BODY_ENC_MAX(n) (2 * (n) + 3 * ((n) / BODY_LINE_MAX + 1) + 2)
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
	unsigned long size; /* size on the wire without dot stuffing and
	                       without the final dot (RFC 1870) */
	int eightbit;       /* some byte has the high bit set */
	int header8;        /* ... in the header section (RFC 6532: the
			       message wants SMTPUTF8) */
	int has_date;       /* the header section has a Date field */
	int header_done, blank; /* internal: the empty line was seen; the
				   current line is empty so far */
	unsigned hcol;      /* internal: octets of this header line, up to
			       5, and whether they spell "date:" so far */
	int hdate;
	struct body_enc e;  /* internal: the encoder's line state */
};

void body_info_init(struct body_info *i);
/* Accounts for in[0..n). */
void body_info_chunk(struct body_info *i, const char *in, size_t n);
/* Accounts for the line end the encoder adds at the end, if any. */
void body_info_finish(struct body_info *i);

#endif
