/* net.c: see ip46.h. The only file that knows sockaddr layouts. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "err.h"
#include "ip46.h"

int ip46_parse(const char *s, size_t n, struct ip46 *a)
{
	char tmp[IP46_FMT_SIZE];

	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, tmp, a->ip) == 1)
		return 1;
#if CONFIG_IPV6
	if (inet_pton(AF_INET6, tmp, a->ip) == 1) {
		a->is6 = 1;
		return 1;
	}
#endif
	return 0;
}

int ip46_parse_literal(const char *s, size_t n, struct ip46 *a)
{
	if (n < 3 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	s++;
	n -= 2;
	if (n > 5 && (s[0] == 'I' || s[0] == 'i') &&
	    (s[1] == 'P' || s[1] == 'p') && (s[2] == 'v' || s[2] == 'V') &&
	    s[3] == '6' && s[4] == ':')
		return ip46_parse(s + 5, n - 5, a) && a->is6;
	return ip46_parse(s, n, a) && !a->is6;
}

size_t ip46_fmt(const struct ip46 *a, char out[IP46_FMT_SIZE])
{
#if CONFIG_IPV6
	if (a->is6) {
		inet_ntop(AF_INET6, a->ip, out, IP46_FMT_SIZE);
		return strlen(out);
	}
#endif
	inet_ntop(AF_INET, a->ip, out, IP46_FMT_SIZE);
	return strlen(out);
}

int ip46_equal(const struct ip46 *a, const struct ip46 *b)
{
	return a->is6 == b->is6 && !memcmp(a->ip, b->ip, a->is6 ? 16 : 4);
}

int net_connect_start(const struct ip46 *a, unsigned port)
{
	struct sockaddr_in sin;
#if CONFIG_IPV6
	struct sockaddr_in6 sin6;
#endif
	const struct sockaddr *sa;
	socklen_t len;
	int fd, one = 1;

	if (a->is6) {
#if CONFIG_IPV6
		memset(&sin6, 0, sizeof sin6);
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((unsigned short)port);
		memcpy(&sin6.sin6_addr, a->ip, 16);
		sa = (const struct sockaddr *)&sin6;
		len = sizeof sin6;
#else
		errno = EAFNOSUPPORT;
		return E_SYS;
#endif
	} else {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)port);
		memcpy(&sin.sin_addr, a->ip, 4);
		sa = (const struct sockaddr *)&sin;
		len = sizeof sin;
	}
	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return E_SYS;
	/* Commands and data are written in whole batches, so Nagle's
	 * algorithm would only add a delayed-ACK wait to each batch. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, sa, len) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		errno = e;
		return E_SYS;
	}
	return fd;
}

int net_connect_result(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char c;

	/* Not getsockopt(SO_ERROR): qemu-user hands its integer through
	 * untranslated, so a MIPS build under test read x86 errno numbers.
	 * A connected socket has a peer; for a failed one, read() returns
	 * the pending error as an ordinary (translated) errno. */
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		return 0;
	if (errno != ENOTCONN)
		return E_SYS;
	if (read(fd, &c, 1) < 0 && errno != EAGAIN)
		return E_SYS;
	errno = ENOTCONN; /* no pending error was reported */
	return E_SYS;
}
