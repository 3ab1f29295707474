/* hdrfrom.h: the From field of a message replaced while it streams, for
 * a smarthost that takes only its account's address in the header too
 * (route-from ... header; msmtp's set_from_header), pure.
 *
 * "From: ADDRESS" goes first; every From field of the header section
 * (continuation lines included, any case) is left out; the rest, the body
 * included, passes byte for byte.
 */
#ifndef HDRFROM_H
#define HDRFROM_H

#include <stddef.h>

struct hdrfrom {
	const char *from;   /* the address, NUL-terminated */
	int state;          /* internal */
	int started;        /* the new From field went out */
	size_t nheld;
	char held[5];       /* "From:" being recognised at a line start */
};

/* Most bytes hdrfrom_run writes for n input bytes: the input, the held
 * bytes it may release, and the new field once. */
#define HDRFROM_MAX(n, fromlen) ((n) + 5 + (fromlen) + 8)

void hdrfrom_init(struct hdrfrom *h, const char *from);

/* Filters in[0..n) into out (room HDRFROM_MAX). Returns the bytes
 * written. */
size_t hdrfrom_run(struct hdrfrom *h, const char *in, size_t n, char *out);

/* At the end of the message: what is still held. */
size_t hdrfrom_end(struct hdrfrom *h, char *out);

#endif
