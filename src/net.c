/* net.c: see net.h. With ip46.c, the only files that know sockaddr
 * layouts. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "err.h"
#include "ip46.h"
#include "net.h"
#include "readfile.h"

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

/* Hex digit value, or -1. */
static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* IPv6: lines of /proc/net/if_inet6 start with 32 hex digits. */
static size_t own6(struct ip46 *out, size_t max)
{
	char buf[4096];
	long len = readfile_at(AT_FDCWD, "/proc/net/if_inet6", buf, sizeof buf, 0);
	size_t n = 0, pos = 0, i;

	if (len == READFILE_TOO_BIG)
		len = (long)sizeof buf;
	while (len > 0 && pos + 32 <= (size_t)len && n < max) {
		struct ip46 a;
		int ok = 1;
		memset(&a, 0, sizeof a);
		a.is6 = 1;
		for (i = 0; i < 16 && ok; i++) {
			int h = hexval(buf[pos + 2 * i]), l = hexval(buf[pos + 2 * i + 1]);
			ok = h >= 0 && l >= 0;
			a.ip[i] = (unsigned char)(h * 16 + l);
		}
		if (ok)
			out[n++] = a;
		while (pos < (size_t)len && buf[pos] != '\n')
			pos++;
		pos++;
	}
	return n;
}

size_t net_own_addrs(struct ip46 *out, size_t max)
{
	struct ifreq req[OWN_ADDRS_MAX];
	struct ifconf ifc;
	size_t n = 0, i;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		ifc.ifc_len = (int)sizeof req;
		ifc.ifc_req = req;
		/* The call itself: libc's ioctl() converts the time64
		 * requests of 32-bit boxes (a table, 800 bytes), and this
		 * one has no time in it. */
		if (syscall(SYS_ioctl, fd, SIOCGIFCONF, &ifc) == 0) {
			size_t k = (size_t)ifc.ifc_len / sizeof req[0];
			for (i = 0; i < k && n < max; i++) {
				struct sockaddr_in *sin =
					(struct sockaddr_in *)(void *)&req[i].ifr_addr;
				if (sin->sin_family != AF_INET)
					continue;
				memset(&out[n], 0, sizeof out[n]);
				memcpy(out[n].ip, &sin->sin_addr, 4);
				n++;
			}
		}
		close(fd);
	}
	if (CONFIG_IPV6)
		n += own6(out + n, max - n);
	return n;
}
