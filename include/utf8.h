/* utf8.h: one UTF-8 character (RFC 3629), pure. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/* The character at s[0..n) (n > 0): returns its length in bytes and sets
 * *cp, or returns 0 when s does not start with a valid UTF-8 sequence
 * (a stray continuation byte, an overlong form, a surrogate, a code point
 * past U+10FFFF, or a sequence cut by the end of s). */
size_t utf8_char(const unsigned char *s, size_t n, unsigned long *cp);

/* 1 when s[0..n) has a byte that is not ASCII (8-bit). */
int utf8_has8(const char *s, size_t n);

#endif
