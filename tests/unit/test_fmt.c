/* test_fmt.c: the programs' own formatter (fmt.h) against libc's snprintf
 * for every conversion fmt.h lists, and ip46_fmt's RFC 5952 text. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "config.h"
#include "fmt.h"
#include "ip46.h"
#include "unit.h"

/* Both formatters into buffers of every size 0..40: the same bytes, the
 * same length returned. */
#define SAME(...) do { \
	char a_[48], b_[48]; size_t s_; \
	for (s_ = 0; s_ <= 40; s_++) { \
		int x_, y_; \
		memset(a_, 'X', sizeof a_); memset(b_, 'X', sizeof b_); \
		x_ = fmt_into(a_, s_, __VA_ARGS__); \
		y_ = snprintf(b_, s_, __VA_ARGS__); \
		if (x_ != y_ || memcmp(a_, b_, sizeof a_)) { \
			unit_failed = 1; \
			fprintf(stderr, "  %s:%d: size %zu: %d \"%.*s\" != " \
				"%d \"%.*s\"\n", __FILE__, __LINE__, s_, x_, \
				(int)s_, a_, y_, (int)s_, b_); \
			break; \
		} \
	} } while (0)

static void conversions(void)
{
	SAME("plain text");
	SAME("%s and %s", "one", "");
	SAME("<%.*s>", 3, "abcdef");
	SAME("<%.*s>", 0, "abcdef");
	SAME("<%.*s>", 10, "ab");
	SAME("%d %d %d", 0, -1, INT_MIN);
	SAME("%d %i", INT_MAX, 42);
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%ld %ld", LONG_MIN, LONG_MAX);
	SAME("%lu", ULONG_MAX);
	SAME("%lld %lld", LLONG_MIN, LLONG_MAX);
	SAME("%llu", ULLONG_MAX);
	SAME("%zu %zu", (size_t)0, SIZE_MAX);
	SAME("%x %x %x", 0u, 0xabcdefu, UINT_MAX);
	SAME("%lx", 0x1234UL);
	SAME("%02lu:%02lu:%02lu", 0UL, 7UL, 59UL);
	SAME("%02lu", 1234UL);
	SAME("%05d|%5d|%5s|%3c", -42, -42, "ab", 'z');
	SAME("%c%c", 'a', 0x7f);
	SAME("100%% sure");
	SAME("%s=%ld %s\n", "SMTP_REPLY_LINE_SIZE", 512L, "bytes");
}

static void cut_and_edges(void)
{
	char b[8];
	/* A conversion fmt.h does not list prints as it stands. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	CHECK(fmt_into(b, sizeof b, "a%qb") == 4 && !strcmp(b, "a%qb"));
	CHECK(fmt_into(b, sizeof b, "end%") == 4 && !strcmp(b, "end%"));
#pragma GCC diagnostic pop
	/* Cut: NUL-terminated, the whole length returned. */
	CHECK(fmt_into(b, sizeof b, "%s", "0123456789") == 10 &&
	      !strcmp(b, "0123456"));
	CHECK(fmt_into(0, 0, "%d", 12345) == 5);
}

#if CONFIG_IPV6
static void ip6_text(const char *in, const char *want)
{
	struct ip46 a;
	char out[IP46_FMT_SIZE];
	size_t n;

	memset(&a, 0, sizeof a);
	memset(out, 'X', sizeof out);     /* the text must end itself */
	a.is6 = 1;
	if (inet_pton(AF_INET6, in, a.ip) != 1) {
		CHECK(!"a test address");
		return;
	}
	n = ip46_fmt(&a, out);
	CHECK_STR(out, want);
	CHECK(n == strlen(want));
	/* inet_ntop (src/inet_ntop.c, udns's dns_ntop) says the same, and
	 * ENOSPC when it does not fit. */
	CHECK(inet_ntop(AF_INET6, a.ip, out, sizeof out) == out &&
	      !strcmp(out, want));
	CHECK(!inet_ntop(AF_INET6, a.ip, out, (socklen_t)n) && errno == ENOSPC);
}
#endif

static void addresses(void)
{
	struct ip46 a;
	char out[IP46_FMT_SIZE];

	memset(&a, 0, sizeof a);
	memcpy(a.ip, "\xc0\x00\x02\xff", 4);
	CHECK(ip46_fmt(&a, out) == 11 && !strcmp(out, "192.0.2.255"));
	memcpy(a.ip, "\0\0\0\0", 4);
	CHECK(ip46_fmt(&a, out) == 7 && !strcmp(out, "0.0.0.0"));
#if CONFIG_IPV6
	/* RFC 5952 section 4 and its corner cases. */
	ip6_text("::", "::");
	ip6_text("::1", "::1");
	ip6_text("1::", "1::");
	ip6_text("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	ip6_text("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	ip6_text("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	ip6_text("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	ip6_text("2001:DB8::ABCD:12", "2001:db8::abcd:12");
	ip6_text("fe80:0:0:0:1::", "fe80::1:0:0:0");   /* the first of equal runs */
	ip6_text("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
	ip6_text("::ffff:192.0.2.1", "::ffff:192.0.2.1");
	ip6_text("::192.0.2.1", "::c000:201");
	ip6_text("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
#endif
}

UNIT_SUITE(fmt_tests) = {
	{ "fmt: every conversion as libc's snprintf, at every size", conversions },
	{ "fmt: unknown conversions, cut text", cut_and_edges },
	{ "fmt: IPv4 and RFC 5952 IPv6 text", addresses },
	UNIT_END
};
