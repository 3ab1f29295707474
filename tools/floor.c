/* floor.c: the benchmark's floor, an SMTP client doing nothing else (no
 * queue, no files, no parsing beyond reply codes): N copies of one message
 * over one connection, pipelined as RFC 2920 allows (the dot, MAIL, RCPT
 * and DATA of the next message in one write; the body after 354).
 *
 *   floor HOST PORT N MESSAGE-FILE [wait]
 *
 * With "wait", each message's dot reply is read before the next MAIL is
 * sent (pipelining within a transaction only: two round trips a message,
 * as most clients do).
 *
 * Exits 0 when every message got 250. Not part of smtprc: tools only. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char in[65536];
static size_t have;

/* Reads one whole reply (last line "ddd "); returns its code. */
static int reply(int fd)
{
	for (;;) {
		char *p = in, *nl;
		while ((nl = memchr(p, '\n', have - (size_t)(p - in))) != 0) {
			if (nl - p >= 4 && p[3] == ' ') {
				int code = atoi(p);
				size_t used = (size_t)(nl + 1 - in);
				memmove(in, nl + 1, have - used);
				have -= used;
				return code;
			}
			p = nl + 1;
		}
		ssize_t n = read(fd, in + have, sizeof in - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
}

static void put(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t k = write(fd, s, n);
		if (k <= 0)
			exit(2);
		s += k;
		n -= (size_t)k;
	}
}

int main(int argc, char **argv)
{
	static char msg[1 << 20], buf[(1 << 20) + 256];
	static const char env[] = "MAIL FROM:<ups@nas1.example.net>\r\n"
				  "RCPT TO:<admin@example.com>\r\nDATA\r\n";
	struct sockaddr_in sa;
	int fd, one = 1;
	long i, n;
	size_t len = 0, k;
	FILE *f;

	int wait;

	if (argc != 5 && !(argc == 6 && !strcmp(argv[5], "wait")))
		return 64;
	wait = argc == 6;
	n = atol(argv[3]);
	f = fopen(argv[4], "rb");
	if (!f)
		return 66;
	len = fread(msg, 1, sizeof msg - 8, f);
	fclose(f);
	/* CR LF line ends and the dot, once. */
	for (i = 0, k = 0; i < (long)len; i++) {
		if (msg[i] == '\n')
			buf[k++] = '\r';
		buf[k++] = msg[i];
	}
	memcpy(buf + k, ".\r\n", 3);
	k += 3;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	inet_pton(AF_INET, argv[1], &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		return 69;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (reply(fd) != 220)
		return 69;
	put(fd, "EHLO floor.invalid\r\n", 20);
	if (reply(fd) != 250)
		return 69;
	put(fd, env, sizeof env - 1);
	for (i = 0; i < n; i++) {
		if (reply(fd) != 250 || reply(fd) != 250 || reply(fd) != 354)
			return 70;
		if (wait) {
			put(fd, buf, k);
			if (reply(fd) != 250)
				return 70;
			if (i + 1 < n)
				put(fd, env, sizeof env - 1);
			continue;
		}
		if (i + 1 < n) {
			/* The body, then the next envelope in the same write. */
			memcpy(buf + k, env, sizeof env - 1);
			put(fd, buf, k + sizeof env - 1);
		} else {
			put(fd, buf, k);
		}
		if (reply(fd) != 250)
			return 70;
	}
	put(fd, "QUIT\r\n", 6);
	reply(fd);
	close(fd);
	return 0;
}
