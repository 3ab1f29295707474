/* smtp_reply.h: SMTP reply lines and replies (RFC 5321 §4.2), pure parsing.
 *
 * Two pure functions over caller buffers, no I/O, no allocation:
 *  - smtp_line_find() cuts one line out of received bytes;
 *  - smtp_reply_line() adds one line to a reply being assembled.
 * A reply is complete when a line has a space (or nothing) after its code.
 * Every line of a multi-line reply must carry the same three-digit code.
 */
#ifndef SMTP_REPLY_H
#define SMTP_REPLY_H

#include <stddef.h>
#include "config.h"

struct smtp_reply {
	int code;          /* 200..599 once the first line is in, else 0 */
	unsigned lines;    /* lines received so far */
	int truncated;     /* text was cut at SMTP_DIAG_SIZE - 1 bytes */
	size_t text_len;   /* bytes in text, without the NUL */
	/* "CODE text of line 1 text of line 2 ...", NUL-terminated, control
	 * characters replaced by '?', cut with a "[...]" mark when too long. */
	char text[SMTP_DIAG_SIZE];
};

/* Looks for one complete line at the start of buf[0..len).
 * Returns 1 and sets *line_len (without CR LF; a bare LF also ends a line)
 * and *used (bytes to drop, the line end included); returns 0 when no line
 * end is in the buffer yet and len is still under SMTP_REPLY_LINE_SIZE.
 * A longer line (RFC 5321 allows 512 octets; some servers send more, a
 * long banner or AUTH list) is cut, not refused: returns SMTP_LINE_CUT
 * with *line_len SMTP_REPLY_LINE_SIZE - 2 (its first bytes) and *used
 * the bytes to drop; when buf[*used - 1] is not the LF, the line goes on
 * and the caller discards what follows up to its LF. */
int smtp_line_find(const char *buf, size_t len, size_t *line_len, size_t *used);
#define SMTP_LINE_CUT 2

/* Empties r for a new reply. */
void smtp_reply_init(struct smtp_reply *r);

/* Adds one line (without its line end) to r.
 * Returns 1 when the reply is complete, 0 when more lines must follow,
 * or E_REPLY_CODE (not three digits, first digit not 2-5), E_REPLY_SYNTAX
 * (fourth character neither space nor hyphen), E_REPLY_MIXED (code differs
 * from the first line's), E_REPLY_LINES (over SMTP_REPLY_LINES_MAX).
 * After an error r must be initialised again before reuse. */
int smtp_reply_line(struct smtp_reply *r, const char *line, size_t len);

/* Finds the enhanced status code (RFC 3463) at the start of the text after
 * the reply code, e.g. "5.1.1" in "550 5.1.1 no such user". Writes it
 * NUL-terminated into out (at least 12 bytes) and returns its length, or
 * returns 0 when there is none or its class digit disagrees with the
 * reply code's first digit. */
size_t smtp_reply_status(const char *text, char out[12]);

#endif
