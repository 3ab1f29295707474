/* mime7.h: an 8-bit message made 7-bit while it streams, for a server
 * that does not offer 8BITMIME (RFC 6152 section 3: convert or return),
 * pure: no I/O, no allocation, the caller owns the state.
 *
 * The walk follows the MIME structure (RFC 2045, RFC 2046): the header of
 * the message and of every part, multipart bodies split at their
 * boundaries (at most MIME7_DEPTH_MAX nested), message/rfc822 parts
 * entered. Two passes over the same bytes:
 *
 *   1. mime7_init, then mime7_scan over the whole message and
 *      mime7_scan_end: which parts hold 8-bit bytes, and whether the
 *      message can be converted at all (why is 0) or not (why says what
 *      stops it: an 8-bit header field, 8-bit bytes in a part declared
 *      base64, quoted-printable or binary, in a part that is not parsed
 *      (a header field over MIME7_FIELD_SIZE, nesting past
 *      MIME7_DEPTH_MAX, more than MIME7_PARTS_MAX parts), or outside the
 *      parts). Such a message is returned to its sender, status 5.6.3.
 *   2. mime7_start_convert, then mime7_run over the message again and
 *      mime7_end: the message with every part that holds 8-bit bytes
 *      encoded quoted-printable (lines of at most 76 octets, RFC 2045
 *      section 6.7), its Content-Transfer-Encoding field rewritten (or
 *      added), and the Content-Transfer-Encoding of the multipart and
 *      message/rfc822 parts around them made 7bit. A message without
 *      MIME gets MIME-Version and Content-Type (charset utf-8 when its
 *      8-bit bytes are UTF-8, else unknown-8bit, RFC 1428). Every other
 *      byte passes unchanged; line ends are kept as they come (body.h
 *      makes them CR LF).
 */
#ifndef MIME7_H
#define MIME7_H

#include <stddef.h>
#include "config.h"

struct mime7 {
	/* Pass 1's verdict, kept for pass 2. */
	const char *why;     /* 0: convertible */
	unsigned char eight[(MIME7_PARTS_MAX + 7) / 8]; /* parts with 8-bit
							   bytes in their body */
	int not_utf8;        /* some 8-bit byte is not UTF-8 */
	int utf8_left;       /* continuation bytes a UTF-8 sequence needs */

	/* The walk. */
	int convert;         /* pass 2 */
	int state;           /* internal: header, body, outside the parts */
	unsigned part;       /* index of the part being read */
	int depth;           /* boundaries in force */
	unsigned char blen[MIME7_DEPTH_MAX];
	char bound[MIME7_DEPTH_MAX][MIME7_BOUNDARY_MAX];
	int mid;             /* inside a line that was given in pieces */
	int ended;           /* mime7_end has taken the last line */

	/* The header being read. */
	int kind;            /* internal: leaf, multipart, message, opaque */
	int cte;             /* internal: its Content-Transfer-Encoding */
	int mime;            /* the top header has MIME-Version or
				Content-Type */
	int unparsed;        /* a field too long to be read */
	char pending_b[MIME7_BOUNDARY_MAX];
	size_t pending_blen;
	size_t flen, cte_len;
	char field[MIME7_FIELD_SIZE];     /* the field being read */
	char cte_field[MIME7_CTE_SIZE];   /* the part's C-T-E field, held */

	/* The body being converted. */
	int qp;              /* this part is written quoted-printable */
	size_t col;          /* octets on the encoded line so far */

	size_t llen;
	char line[MIME7_LINE_SIZE];       /* the line being read */
	size_t olen, opos;
	char out[MIME7_OUT_SIZE];         /* output waiting for room */
};

/* Pass 1. */
void mime7_init(struct mime7 *m);
void mime7_scan(struct mime7 *m, const char *in, size_t n);
/* Ends pass 1: returns m->why (0 when the message can be converted). */
const char *mime7_scan_end(struct mime7 *m);

/* Pass 2: the walk again from the first byte, with pass 1's verdict. */
void mime7_start_convert(struct mime7 *m);

/* Converts from in[0..n) into out[0..room): returns the bytes written
 * and sets *used to the bytes taken. Call again with the rest while
 * either is short of its end (output waits inside until there is room). */
size_t mime7_run(struct mime7 *m, const char *in, size_t n, size_t *used,
		 char *out, size_t room);

/* After the last byte: writes what is left into out[0..room), returns the
 * bytes written; call until it returns 0. */
size_t mime7_end(struct mime7 *m, char *out, size_t room);

#endif
