/* net.c: see net.h. With ip46.c, the only files that know sockaddr
 * layouts. */
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
#include "net.h"

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
