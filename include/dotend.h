/* dotend.h: the classic end of a message on standard input, a line of a
 * single dot, for sendmail without -i. A pure filter over the caller's
 * buffers: it holds back a "." (or ".\r") at the start of a line until
 * the next byte says whether that line ends the message; the end is
 * ".\n" or ".\r\n", and what follows it is ignored. Any other line is
 * passed through byte for byte (no dot-unstuffing: sendmail's input is
 * not SMTP), but with unstuff (sendmail -bs, SMTP DATA) a leading dot
 * is removed as RFC 5321 section 4.5.2 says.
 */
#ifndef DOTEND_H
#define DOTEND_H

#include <stddef.h>

struct dotend {
	int on;       /* a lone dot ends the input (no -i) */
	int unstuff;  /* SMTP DATA (sendmail -bs): a dot that starts a line
			 and does not end the data is dropped (RFC 5321
			 section 4.5.2) */
	int bol;      /* at the start of a line */
	int held;     /* 1: "." held back; 2: ".\r" held back */
	int ended;    /* the end line was seen */
	size_t used;  /* once ended: the input bytes the last call took,
			 the end line included (what follows is the next
			 command's) */
};

/* Starts a filter; on: 0 passes everything (-i), 1 watches for the dot. */
void dotend_init(struct dotend *d, int on);

/* Filters in[0..n) into out, which has room for n + 2 bytes (a held ".\r"
 * may come out before the byte that releases it). Returns the bytes
 * written. Once d->ended is set the rest of in, and of every later call,
 * is dropped. */
size_t dotend_filter(struct dotend *d, const char *in, size_t n, char *out);

/* At the end of the input: a held "." or ".\r" is message text after
 * all; writes it to out (room for 2) and returns its length. */
size_t dotend_finish(struct dotend *d, char *out);

#endif
