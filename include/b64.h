/* b64.h: base64 (RFC 4648) encoding for SMTP AUTH, pure. */
#ifndef B64_H
#define B64_H

#include <stddef.h>

/* The encoded length of n bytes (without a NUL). */
#define B64_LEN(n) (((n) + 2) / 3 * 4)

/* Encodes in[0..n) into out (B64_LEN(n) + 1 bytes, NUL-terminated).
 * Returns the length. */
size_t b64_encode(const void *in, size_t n, char *out);

#endif
