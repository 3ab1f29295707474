/* test_mime7.c: mime7.h, an 8-bit message made 7-bit for a server
 * without 8BITMIME: the two passes, exact output, any chunking. */
#include "mime7.h"
#include "unit.h"

static struct mime7 m;
static char got[65536];

/* Both passes over msg, fed in pieces of `step` bytes into output room
 * of `room` bytes. Returns pass 1's verdict; the output is in got. */
static const char *convert(const char *msg, size_t step, size_t room)
{
	size_t n = strlen(msg), pos, len = 0, k, used;
	const char *why;

	mime7_init(&m);
	for (pos = 0; pos < n; pos += k) {
		k = n - pos < step ? n - pos : step;
		mime7_scan(&m, msg + pos, k);
	}
	why = mime7_scan_end(&m);
	mime7_start_convert(&m);
	for (pos = 0; pos < n;) {
		k = n - pos < step ? n - pos : step;
		len += mime7_run(&m, msg + pos, k, &used, got + len,
				 room < sizeof got - len ? room : sizeof got - len);
		pos += used;
	}
	while ((k = mime7_end(&m, got + len, room)) > 0)
		len += k;
	got[len] = 0;
	return why;
}

/* The same output whatever the pieces and the room. */
static void same_any_chunking(const char *msg)
{
	static char first[65536];
	static const size_t steps[] = { 1, 2, 3, 7, 64, 999, 1000, 1001, 65536 };
	static const size_t rooms[] = { 1, 5, 77, 4096 };
	size_t i, j;

	convert(msg, 65536, 65536);
	strcpy(first, got);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++)
		for (j = 0; j < sizeof rooms / sizeof rooms[0]; j++) {
			convert(msg, steps[i], rooms[j]);
			CHECK(!strcmp(got, first));
		}
}

static void seven_bit_unchanged(void)
{
	const char *msg = "Subject: plain\nMIME-Version: 1.0\n"
			  "Content-Type: text/plain\n\nhello = world \n";
	CHECK(convert(msg, 4096, 4096) == 0);
	CHECK_STR(got, msg);
}

static void single_part_8bit(void)
{
	const char *msg = "Subject: s\nMIME-Version: 1.0\nContent-Type: text/plain;"
			  " charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
			  "Gr\xc3\xbc\xc3\x9f" "e = 1 \n\xc3\xa9t\xc3\xa9\t\r\nend";
	CHECK(convert(msg, 4096, 4096) == 0);
	CHECK_STR(got, "Subject: s\nMIME-Version: 1.0\nContent-Type: text/plain;"
		  " charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
		  "Gr=C3=BC=C3=9Fe =3D 1=20\n=C3=A9t=C3=A9=09\nend");
	same_any_chunking(msg);
}

static void no_mime_gets_mime(void)
{
	const char *msg = "Subject: cron\nFrom: root\n\nd\xc3\xa9j\xc3\xa0\n";
	CHECK(convert(msg, 4096, 4096) == 0);
	CHECK_STR(got, "Subject: cron\nFrom: root\nMIME-Version: 1.0\n"
		  "Content-Type: text/plain; charset=utf-8\n"
		  "Content-Transfer-Encoding: quoted-printable\n\nd=C3=A9j=C3=A0\n");
	msg = "Subject: latin1\n\nd\xe9j\xe0\n";
	CHECK(convert(msg, 4096, 4096) == 0);
	CHECK(strstr(got, "charset=unknown-8bit\n") && strstr(got, "d=E9j=E0\n"));
}

static void soft_breaks(void)
{
	char msg[512], want[600];
	size_t i;
	strcpy(msg, "Content-Type: text/plain\n\n");
	for (i = 0; i < 200; i++)
		strcat(msg, "\xc3\xa9");
	strcat(msg, "\n");
	CHECK(convert(msg, 4096, 4096) == 0);
	/* 25 encoded bytes (75 octets) per line, then "=". */
	strcpy(want, "Content-Type: text/plain\nContent-Transfer-Encoding: "
	       "quoted-printable\n\n");
	{
		const char *p = strstr(got, "\n\n") + 2;
		size_t len = 0, maxlen = 0;
		for (; *p; p++) {
			if (*p == '\n') {
				maxlen = len > maxlen ? len : maxlen;
				len = 0;
			} else
				len++;
		}
		CHECK(maxlen == 76);
	}
	CHECK(!strncmp(got, want, strlen(want)));
	same_any_chunking(msg);
}

static const char multi[] =
	"Subject: m\nMIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"outer b\"\n"
	"Content-Transfer-Encoding: 8bit\n\n"
	"preamble\n"
	"--outer b\n"
	"Content-Type: multipart/alternative;\n boundary=inner\n\n"
	"--inner\nContent-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: 8bit\n\nna\xc3\xafve\n"
	"--inner\nContent-Type: text/html\n\n<p>ascii</p>\n"
	"--inner--\n"
	"--outer b\nContent-Type: application/octet-stream\n"
	"Content-Transfer-Encoding: base64\n\nAAEC\n"
	"--outer b\nContent-Type: message/rfc822\n"
	"Content-Transfer-Encoding: 8bit\n\n"
	"Subject: inner\nContent-Type: text/plain\n\n\xc3\xbc\n"
	"--outer b--\n"
	"epilogue\n";

static void multipart_nested(void)
{
	CHECK(convert(multi, 4096, 4096) == 0);
	CHECK_STR(got,
	"Subject: m\nMIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=\"outer b\"\n"
	"Content-Transfer-Encoding: 7bit\n\n"
	"preamble\n"
	"--outer b\n"
	"Content-Type: multipart/alternative;\n boundary=inner\n\n"
	"--inner\nContent-Type: text/plain; charset=utf-8\n"
	"Content-Transfer-Encoding: quoted-printable\n\nna=C3=AFve\n"
	"--inner\nContent-Type: text/html\n\n<p>ascii</p>\n"
	"--inner--\n"
	"--outer b\nContent-Type: application/octet-stream\n"
	"Content-Transfer-Encoding: base64\n\nAAEC\n"
	"--outer b\nContent-Type: message/rfc822\n"
	"Content-Transfer-Encoding: 7bit\n\n"
	"Subject: inner\nContent-Type: text/plain\n"
	"Content-Transfer-Encoding: quoted-printable\n\n=C3=BC\n"
	"--outer b--\n"
	"epilogue\n");
	same_any_chunking(multi);
}

static void impossible(void)
{
#define NO(msg, word) do { const char *w_ = convert(msg, 4096, 4096); \
	CHECK(w_ && strstr(w_, word)); } while (0)
	NO("Subject: caf\xc3\xa9\n\nbody\n", "header");
	NO("Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	   "Subject: \xc3\xa9\n\nx\n--b--\n", "header");
	NO("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
	   "\xc3\xa9\n", "base64");
	NO("Content-Type: application/x\nContent-Transfer-Encoding: binary\n\n"
	   "\xc3\xa9\n", "binary");
	NO("Content-Type: multipart/mixed; boundary=b\n\npre\xc3\xa9\n--b\n\nx\n"
	   "--b--\n", "outside");
	NO("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n"
	   "epi\xc3\xa9\n", "outside");
	NO("Content-Type: multipart/mixed\n\n\xc3\xa9\n", "not parsed");
	NO("Content-Type: message/partial\n\n\xc3\xa9\n", "not parsed");
	/* Binary declared, but no 8-bit byte: nothing to convert. */
	CHECK(convert("Content-Transfer-Encoding: binary\n\nabc\n", 64, 64) == 0);
}

static void too_deep_and_long_fields(void)
{
	static char msg[8192];
	size_t i;
	msg[0] = 0;
	for (i = 0; i <= MIME7_DEPTH_MAX; i++)
		sprintf(msg + strlen(msg), "Content-Type: multipart/mixed; "
			"boundary=b%zu\n\n--b%zu\n", i, i);
	strcat(msg, "\nx\xc3\xa9\n");
	CHECK(convert(msg, 4096, 4096) != 0);
	/* A Content-Type field over MIME7_FIELD_SIZE: not parsed. */
	strcpy(msg, "Content-Type: text/plain;");
	for (i = 0; i < MIME7_FIELD_SIZE / 10; i++)
		strcat(msg, "\n x=123456");
	strcat(msg, "\n\n\xc3\xa9\n");
	CHECK(convert(msg, 4096, 4096) != 0);
	/* A long header line passes unchanged when nothing is 8-bit. */
	strcpy(msg, "X-Long: ");
	for (i = 0; i < 3000; i++)
		strcat(msg, "y");
	strcat(msg, "\n\nbody\n");
	CHECK(convert(msg, 100, 100) == 0);
	CHECK_STR(got, msg);
}

UNIT_SUITE(mime7_tests) = {
	{ "mime7: 7-bit messages pass unchanged", seven_bit_unchanged },
	{ "mime7: one 8bit text part made quoted-printable", single_part_8bit },
	{ "mime7: a message without MIME gets MIME, charset by UTF-8", no_mime_gets_mime },
	{ "mime7: encoded lines of at most 76 octets", soft_breaks },
	{ "mime7: nested multiparts and message/rfc822, only 8-bit parts", multipart_nested },
	{ "mime7: what cannot be converted says why", impossible },
	{ "mime7: nesting past MIME7_DEPTH_MAX, fields past MIME7_FIELD_SIZE", too_deep_and_long_fields },
	UNIT_END
};
