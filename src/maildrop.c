/* maildrop.c: see maildrop.h. */
#include "maildrop.h"

void maildrop_put_envelope(struct wbuf *w, const char *sender,
			   size_t sender_len, const char *const *rcpt,
			   const size_t *rcpt_len, size_t n)
{
	size_t i;
	wbuf_puts(w, "smtprc-maildrop 1\nsender <");
	wbuf_put(w, sender, sender_len);
	wbuf_puts(w, ">\n");
	for (i = 0; i < n; i++) {
		wbuf_puts(w, "rcpt <");
		wbuf_put(w, rcpt[i], rcpt_len[i]);
		wbuf_puts(w, ">\n");
	}
	wbuf_puts(w, "\n");
}
