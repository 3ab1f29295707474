/* smtprc's own option table: every seed option in each form, the long
 * forms, values, defaults and bad forms. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include "smtprc_opts.h"
#include "unit.h"

static struct smtprc_conf c;

/* Usage errors print the usage text: keep it out of the test log. */
static int saved_stderr = -1;
static void quiet(int on)
{
	if (on) {
		int fd = open("/dev/null", O_WRONLY);
		fflush(stderr);
		saved_stderr = dup(2);
		dup2(fd, 2);
		close(fd);
	} else if (saved_stderr >= 0) {
		fflush(stderr);
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

/* Parses "smtprc ARGS... DOMAIN LIST"; returns smtprc_options' result. */
static int run(char **args)
{
	char *argv[32];
	int argc = 0;
	argv[argc++] = "smtprc";
	while (*args)
		argv[argc++] = *args++;
	argv[argc] = 0;
	return smtprc_options(&c, argc, argv);
}
#define R(...) run((char *[]){ __VA_ARGS__, 0 })

static void defaults(void)
{
	CHECK(R("example.com", "list") == 1);
	CHECK(c.srv_self == 1 && c.srv_super == 0 && c.implicit == 1);
	CHECK(c.ip6 == CONFIG_IPV6 && c.clientip == 1 && c.clientport == 1);
	CHECK(c.verbose == 0 && c.hello == 1 && c.relay.hello == 1);
	CHECK(c.trigger == 0 && c.nself == 0);
	CHECK(c.lifetime == 432000 && c.smtp_port == 25);
	CHECK(c.relay.timeout[SMTP_STAGE_CONNECT] == 30);
	CHECK(c.relay.timeout[SMTP_STAGE_GREETING] == 300);
	CHECK(c.relay.timeout[SMTP_STAGE_MAIL] == 300);
	CHECK(c.relay.timeout[SMTP_STAGE_RCPT] == 300);
	CHECK(c.relay.timeout[SMTP_STAGE_DATA] == 120);
	CHECK(c.relay.timeout[SMTP_STAGE_BLOCK] == 180);
	CHECK(c.relay.timeout[SMTP_STAGE_DOT] == 600);
	CHECK(c.relay.helo_name && *c.relay.helo_name);
	CHECK(!strcmp(c.queue, "."));
}

/* The int field at byte offset off of c (memcpy: no alignment cast). */
static int field(size_t off)
{
	int v;
	memcpy(&v, (const char *)&c + off, sizeof v);
	return v;
}

static void switches(void)
{
	static const struct {
		const char *slash, *lng;
		size_t off;
	} sw[] = {
		{ "SRV_SUPERDOMAINS", "srv-superdomains", offsetof(struct smtprc_conf, srv_super) },
		{ "SRV_SELF", "srv-self", offsetof(struct smtprc_conf, srv_self) },
		{ "IMPLICIT", "implicit", offsetof(struct smtprc_conf, implicit) },
		{ "CLIENTIP", "clientip", offsetof(struct smtprc_conf, clientip) },
		{ "CLIENTPORT", "clientport", offsetof(struct smtprc_conf, clientport) },
		{ "V", "verbose", offsetof(struct smtprc_conf, verbose) },
		{ "HELO", "helo", offsetof(struct smtprc_conf, hello) },
#if CONFIG_IPV6
		{ "IP6ADDR", "ip6addr", offsetof(struct smtprc_conf, ip6) },
#endif
	};
	size_t i;
	char a[64];
	for (i = 0; i < sizeof sw / sizeof sw[0]; i++) {
		const char *forms[][2] = { { "/%s+", "1" }, { "/%s-", "0" }, { "/%s", "1" },
					   { "--%s", "1" }, { "--no-%s", "0" } };
		size_t f;
		for (f = 0; f < 5; f++) {
			int want = forms[f][1][0] - '0';
			snprintf(a, sizeof a, forms[f][0], f < 3 ? sw[i].slash : sw[i].lng);
			/* Start from the opposite value to see the change. */
			memset(&c, 0, sizeof c);
			CHECK(R(a, "d.test", "l") == 2);
			if (field(sw[i].off) != want)
				fprintf(stderr, "  %s gave %d\n", a, field(sw[i].off));
			CHECK(field(sw[i].off) == want);
		}
	}
	/* Case does not matter in the / form; the last one wins. */
	CHECK(R("/v", "/srv_self-", "/Srv_Self+", "/helo-", "d.test", "l") == 5);
	CHECK(c.verbose == 1 && c.srv_self == 1 && c.hello == 0 && c.relay.hello == 0);
#if !CONFIG_IPV6
	quiet(1);
	CHECK(R("/IP6ADDR+", "d.test", "l") == -1);
	quiet(0);
	CHECK(R("/IP6ADDR-", "d.test", "l") == 2 && c.ip6 == 0);
#endif
}

static void strings(void)
{
#if CONFIG_IPV6
	CHECK(R("/TRIGGER:\\SEM32\\IU\\SMTP\\PD", "/SELF:192.0.2.1", "/SELF", "192.0.2.2",
		"--self=[IPv6:2001:db8::1]", "d.test", "l") == 6);
	CHECK(c.nself == 3 && c.self[2].is6);
#else
	quiet(1);
	CHECK(R("--self=[IPv6:2001:db8::1]", "d.test", "l") == -1);
	quiet(0);
	CHECK(R("/TRIGGER:\\SEM32\\IU\\SMTP\\PD", "/SELF:192.0.2.1", "/SELF", "192.0.2.2",
		"d.test", "l") == 5);
	CHECK(c.nself == 2);
#endif
	CHECK(!strcmp(c.trigger, "\\SEM32\\IU\\SMTP\\PD"));
	CHECK(R("--trigger=/run/pd", "--helo-name=nas1.example.net", "--queue=/q",
		"--lifetime=60", "--smtp-port=2525", "--semaphore-dir=/s", "d.test", "l") == 7);
	CHECK(!strcmp(c.trigger, "/run/pd") && !strcmp(c.relay.helo_name, "nas1.example.net"));
	CHECK(!strcmp(c.queue, "/q") && c.lifetime == 60 && c.smtp_port == 2525);
	CHECK(!strcmp(c.semdir, "/s"));
	CHECK(R("--timeout-connect=1", "--timeout-greeting=2", "--timeout-helo=3",
		"--timeout-mail=4", "--timeout-rcpt=5", "--timeout-data=6",
		"--timeout-block=7", "--timeout-dot=8", "--timeout-quit=9", "d.test", "l") == 10);
	CHECK(c.relay.timeout[SMTP_STAGE_CONNECT] == 1 && c.relay.timeout[SMTP_STAGE_QUIT] == 9);
	CHECK(c.relay.timeout[SMTP_STAGE_RCPT] == 5 && c.relay.timeout[SMTP_STAGE_DOT] == 8);
	/* A list may start with '/' and look like an option. */
	CHECK(R("d.test", "/V", "/var/spool/remote/x") == 1);
}

static void bad(void)
{
	char *selfs[SELF_ADDRS_MAX + 4];
	int i;

	quiet(1);
	CHECK(R("d.test") == -1);                       /* no list */
	CHECK(run((char *[]){ 0 }) == -1);              /* nothing */
	CHECK(R("/SELF:", "d.test", "l") == -1);
	CHECK(R("/SELF:not-an-ip", "d.test", "l") == -1);
	CHECK(R("/TRIGGER:", "d.test", "l") == -1);
	CHECK(R("/V:1", "d.test", "l") == -1);
	CHECK(R("/HELO+-", "d.test", "l") == -1);
	CHECK(R("/UNKNOWN", "d.test", "l") == -1);
	CHECK(R("--lifetime=-1", "d.test", "l") == -1);
	CHECK(R("--smtp-port=70000", "d.test", "l") == -1);
	CHECK(R("--timeout-dot=0", "d.test", "l") == -1);
	CHECK(R("--helo-name=bad name", "d.test", "l") == -1);
	for (i = 0; i < SELF_ADDRS_MAX + 1; i++)
		selfs[i] = "/SELF:10.0.0.1";
	selfs[i++] = "d.test";
	selfs[i++] = "l";
	selfs[i] = 0;
	{
		char *argv[SELF_ADDRS_MAX + 8];
		int k;
		argv[0] = "smtprc";
		for (k = 0; selfs[k]; k++)
			argv[k + 1] = selfs[k];
		argv[k + 1] = 0;
		CHECK(smtprc_options(&c, k + 1, argv) == -1);
		argv[SELF_ADDRS_MAX] = "d.test";
		argv[SELF_ADDRS_MAX + 1] = "l";
		CHECK(smtprc_options(&c, SELF_ADDRS_MAX + 2, argv) == SELF_ADDRS_MAX);
	}
	quiet(0);
}

UNIT_SUITE(smtprc_opts_tests) = {
	{ "smtprc options: defaults (RFC 5321 time-outs, 5 days, port 25)", defaults },
	{ "smtprc options: every seed switch in /X+ /X- /X --x --no-x", switches },
	{ "smtprc options: /TRIGGER /SELF and the long string options", strings },
	{ "smtprc options: bad forms and the SELF_ADDRS_MAX limit", bad },
	UNIT_END
};
