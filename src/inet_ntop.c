/* inet_ntop.c: libc's inet_ntop() formats with snprintf, and udns calls it
 * (its dns_ntop), which would link all of printf (8 KB on armhf): this
 * one writes ip46_fmt's text (RFC 5952), the same as musl's. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "config.h"
#include "ip46.h"

const char *inet_ntop(int af, const void *restrict src, char *restrict dst,
		      socklen_t size)
{
	struct ip46 a;
	char text[IP46_FMT_SIZE];
	size_t n;

	memset(&a, 0, sizeof a);
	if (af == AF_INET) {
		memcpy(a.ip, src, 4);
#if CONFIG_IPV6
	} else if (af == AF_INET6) {
		memcpy(a.ip, src, 16);
		a.is6 = 1;
#endif
	} else {
		errno = EAFNOSUPPORT;
		return 0;
	}
	n = ip46_fmt(&a, text);
	if (n >= size) {
		errno = ENOSPC;
		return 0;
	}
	memcpy(dst, text, n + 1);
	return dst;
}
