/* smtp_ehlo.c: see smtp_ehlo.h. */
#include <limits.h>
#include "smtp_ehlo.h"

static const struct {
	const char *name;
	unsigned bit;
} ehlo_keywords[] = {
	{ "PIPELINING", SMTP_EXT_PIPELINING },
	{ "SIZE", SMTP_EXT_SIZE },
	{ "8BITMIME", SMTP_EXT_8BITMIME },
	{ "STARTTLS", SMTP_EXT_STARTTLS },
	{ "AUTH", SMTP_EXT_AUTH },
	{ "ENHANCEDSTATUSCODES", SMTP_EXT_ENHANCED },
	{ "SMTPUTF8", SMTP_EXT_SMTPUTF8 },
	{ "DSN", SMTP_EXT_DSN },
};

void smtp_ehlo_init(struct smtp_ehlo *e)
{
	e->ext = 0;
	e->size_max = 0;
	e->auth = 0;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* Case-insensitive comparison of text[0..len) with the upper-case name. */
static int keyword_is(const char *text, size_t len, const char *name)
{
	size_t i;
	for (i = 0; i < len && name[i]; i++)
		if (upper((unsigned char)text[i]) != name[i])
			return 0;
	return i == len && !name[i];
}

void smtp_ehlo_line(struct smtp_ehlo *e, const char *text, size_t len)
{
	size_t kw = 0, i;

	while (kw < len && text[kw] != ' ')
		kw++;
	for (i = 0; i < sizeof ehlo_keywords / sizeof ehlo_keywords[0]; i++) {
		if (!keyword_is(text, kw, ehlo_keywords[i].name))
			continue;
		e->ext |= ehlo_keywords[i].bit;
		if (ehlo_keywords[i].bit == SMTP_EXT_SIZE) {
			unsigned long v = 0;
			size_t p = kw;
			int ok = 1;
			while (p < len && text[p] == ' ')
				p++;
			if (p == len)
				ok = 0;
			for (; p < len && ok; p++) {
				unsigned d = (unsigned)(text[p] - '0');
				if (d > 9 || v > (ULONG_MAX - d) / 10)
					ok = 0;
				else
					v = v * 10 + d;
			}
			e->size_max = ok ? v : 0;
		}
		if (ehlo_keywords[i].bit == SMTP_EXT_AUTH) {
			/* "AUTH PLAIN LOGIN CRAM-MD5 ...": the words after it. */
			size_t p = kw, w;
			while (p < len) {
				while (p < len && text[p] == ' ')
					p++;
				w = p;
				while (p < len && text[p] != ' ')
					p++;
				if (keyword_is(text + w, p - w, "PLAIN"))
					e->auth |= SMTP_AUTH_PLAIN;
				else if (keyword_is(text + w, p - w, "LOGIN"))
					e->auth |= SMTP_AUTH_LOGIN;
				else if (keyword_is(text + w, p - w, "XOAUTH2"))
					e->auth |= SMTP_AUTH_XOAUTH2;
				else if (keyword_is(text + w, p - w, "OAUTHBEARER"))
					e->auth |= SMTP_AUTH_OAUTHBEARER;
			}
		}
		return;
	}
}
