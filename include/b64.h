/* b64.h: base64 (RFC 4648) for SMTP AUTH and the CA bundle's PEM,
 * pure. */
#ifndef B64_H
#define B64_H

#include <stddef.h>

/* The encoded length of n bytes (without a NUL). */
#define B64_LEN(n) (((n) + 2) / 3 * 4)

/* Encodes in[0..n) into out (B64_LEN(n) + 1 bytes, NUL-terminated).
 * Returns the length. */
size_t b64_encode(const void *in, size_t n, char *out);

/* The six bits of base64 character c, or -1 for any other (the padding
 * '=' included). */
int b64_value(int c);

/* Decodes in[0..n) (padded, no blanks: what an SMTP 334 challenge
 * carries) into out[0..size). Returns the length, or -1 when in is not
 * base64 or does not fit. */
long b64_decode(const char *in, size_t n, void *out, size_t size);

#endif
