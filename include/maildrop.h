/* maildrop.h: maildrop entries (docs/queue.md), the input of the posting
 * office. An entry is an envelope of "key value" lines, an empty line, and
 * the message exactly as stored (Unix line ends):
 *
 *   smtprc-maildrop 1
 *   sender <>
 *   rcpt <alice@example.org>
 *   (empty line)
 *   From: ...
 */
#ifndef MAILDROP_H
#define MAILDROP_H

#include <stddef.h>
#include "wbuf.h"

/* Writes the envelope of an entry with one sender and n recipients. */
void maildrop_put_envelope(struct wbuf *w, const char *sender,
			   size_t sender_len, const char *const *rcpt,
			   const size_t *rcpt_len, size_t n);

#endif
