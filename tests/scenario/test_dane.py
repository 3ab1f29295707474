"""DANE (RFC 7672) through a real validating resolver: a zone signed by
ldns-signzone and served by nsd, unbound validating it with the test's own
trust anchor, a second zone left unsigned (insecure), and a private Postfix
whose STARTTLS listeners carry certificates the test makes. Each mail
domain has an SRV record for its own server host, so that every TLSA set
(_PORT._tcp.HOST) is the case's own. Every kind of TLSA set this client
must tell apart: DANE-EE(3) with SPKI/Cert and SHA-256/SHA-512/full,
DANE-TA(2) naming the MX host or the mail domain, mismatches, a wrong
name and an expired certificate under DANE-TA, unusable sets (PKIX-EE, a
record too large to keep), an insecure set, no set, a bogus signature
(SERVFAIL from unbound: that server is skipped), and a server without
STARTTLS."""
import hashlib
import os
import re
import shutil

import qlib
from dnsd import Nsd
from dnssec import Unbound, sign
from faultsmtp import FaultServer
from harness import Skip, PrivatePostfix, smtprc, test, tmpdir
from tlscerts import Certs, der, spki
from sysexits import EX_TEMPFAIL

TLS = os.environ.get("CONFIG_TLS", "1") == "1"


def tlsa(usage, selector, mtype, cert_file):
    data = spki(cert_file) if selector == 1 else der(cert_file)
    if mtype == 1:
        data = hashlib.sha256(data).digest()
    elif mtype == 2:
        data = hashlib.sha512(data).digest()
    return "%d %d %d %s" % (usage, selector, mtype, data.hex())


@test
def dane_against_a_validating_resolver():
    if not TLS:
        raise Skip("TLS IS NOT BUILT IN (CONFIG_TLS=0): DANE tests skipped")
    d = tmpdir()
    certs = Certs(d)
    os.makedirs(os.path.join(d, "other"))
    other = Certs(os.path.join(d, "other"))  # a CA and key nobody trusts
    kinds = {
        "ee": certs.leaf("ee", "ee.dane.test"),
        "eeexp": certs.leaf("eeexp", "eeexp.dane.test", expired=True),
        "ta": certs.leaf("ta", "h-ta201.dane.test", chain=True),
        "ta2": certs.leaf("ta2", "h-ta211.dane.test", chain=True),
        "tanh": certs.leaf("tanh", "nh.dane.test", chain=True),
        "tawrong": certs.leaf("tawrong", "other.test", chain=True),
        "taexp": certs.leaf("taexp", "h-taexp.dane.test", chain=True, expired=True),
    }
    stranger = other.leaf("stranger", "ee.dane.test")[0]
    ee, ca = kinds["ee"][0], certs.ca_file
    # domain -> (server kind, TLSA records, expectation)
    # expectation: "EE"/"TA" (verified by DANE-EE(3)/DANE-TA(2)),
    # "tls" (encrypted, not verified), "plain" (plaintext),
    # or ("defer", status, text in the transcript)
    cases = {
        "ee311": ("ee", [tlsa(3, 1, 1, ee)], "EE"),
        "ee301": ("ee", [tlsa(3, 0, 1, ee)], "EE"),
        "ee312": ("ee", [tlsa(3, 1, 2, ee)], "EE"),
        "ee310": ("ee", [tlsa(3, 1, 0, ee)], "EE"),
        # one stale record and one good one: the good one is enough
        "eetwo": ("ee", [tlsa(3, 1, 1, stranger), tlsa(3, 1, 1, ee)], "EE"),
        # 15 stale 250-byte records and the good one: over unbound's
        # 1232-byte UDP limit, so truncated and asked again over TCP
        "eebig": ("ee", ["3 1 0 " + ("%02x" % k) * 250 for k in range(1, 16)] +
                  [tlsa(3, 1, 1, ee)], "EE"),
        # DANE-EE ignores the dates (RFC 7672 §3.1.1)
        "eeexp": ("eeexp", [tlsa(3, 1, 1, kinds["eeexp"][0])], "EE"),
        "eemiss": ("ee", [tlsa(3, 1, 1, stranger)],
                   ("defer", "4.7.5", "matches no usable TLSA record")),
        "ta201": ("ta", [tlsa(2, 0, 1, ca)], "TA"),
        "ta211": ("ta2", [tlsa(2, 1, 1, ca)], "TA"),
        "nh": ("tanh", [tlsa(2, 1, 2, ca)], "TA"),  # names the mail domain
        "tawrong": ("tawrong", [tlsa(2, 1, 1, ca)],
                    ("defer", "4.7.5", "not for the server's name")),
        "taexp": ("taexp", [tlsa(2, 0, 1, ca)], ("defer", "4.7.5", "expired")),
        "tamiss": ("ta", [tlsa(2, 1, 1, stranger)],
                   ("defer", "4.7.5", "matches no usable TLSA record")),
        # PKIX-EE is unusable for SMTP: TLS mandatory, not verified
        "pkix": ("ee", [tlsa(1, 1, 1, ee)], "tls"),
        "pkixplain": ("plain", [tlsa(1, 1, 1, ee)], ("defer", "4.7.10", "STARTTLS")),
        # a full certificate (over DNS_TLSA_DATA_SIZE): unusable as well
        "ee300": ("ee", [tlsa(3, 0, 0, ee)], "tls"),
        "eeplain": ("plain", [tlsa(3, 1, 1, ee)], ("defer", "4.7.10", "STARTTLS")),
        # no TLSA set at all: opportunistic
        "none": ("ee", [], "tls"),
        "noneplain": ("plain", [], "plain"),
        # bogus: the signature does not cover the record any more
        "bogus": ("ee", ["BOGUS"], ("defer", "4.7.5", "TLSA look-up of")),
    }
    assert len(der(ee)) > 256, "ee300 must exceed DNS_TLSA_DATA_SIZE"
    pf = PrivatePostfix(domains=tuple("%s.dane.test" % c for c in cases) +
                        ("backup.dane.test", "insecure.plain.test"), more_tls=kinds)
    plain = FaultServer()
    ports = dict(pf.ports, plain=plain.port)
    z = ["$ORIGIN dane.test.", "$TTL 60", "@ SOA ns h 1 60 60 60 60",
         "@ NS ns", "ns A 127.0.0.1"]
    for name, (kind, recs, _) in cases.items():
        host = "h-%s" % name
        z += ["%s A 127.0.0.1" % host,
              "_smtp._tcp.%s SRV 0 0 %d %s" % (name, ports[kind], host)]
        for r in recs:
            z.append("_%d._tcp.%s TLSA %s" % (ports[kind], host,
                                             tlsa(3, 1, 1, ee) if r == "BOGUS" else r))
    # A domain whose first server's TLSA set is bogus, the second good.
    z += ["_smtp._tcp.backup SRV 0 0 %d h-bogus" % ports["ee"],
          "_smtp._tcp.backup SRV 10 0 %d h-ee311" % ports["ee"]]
    signed, anchor = sign(d, "dane.test", "\n".join(z) + "\n")
    # Break h-bogus's TLSA record after signing (same length, other bytes).
    bogus = re.compile(r"^(_\d+\._tcp\.h-bogus\.dane\.test\.\s+\d+\s+IN\s+TLSA\s+3 1 1 )(\S+)$", re.M)
    assert bogus.search(signed), signed[:2000]
    signed = bogus.sub(lambda m: m.group(1) + "00" * 32, signed)
    insecure = ("$ORIGIN plain.test.\n$TTL 60\n@ SOA ns h 1 60 60 60 60\n@ NS ns\n"
                "ns A 127.0.0.1\nh A 127.0.0.1\n"
                "_smtp._tcp.insecure SRV 0 0 %d h\n_%d._tcp.h TLSA %s\n"
                % (ports["ee"], ports["ee"], tlsa(3, 1, 1, stranger)))
    dns = Nsd({"dane.test": signed, "plain.test": insecure})
    ub = None
    q = qlib.make_queue(tmpdir())
    try:
        ub = Unbound({"dane.test": dns.port, "plain.test": dns.port}, [anchor])
        cases["backup"] = ("ee", [], "EE")
        # An unsigned zone's TLSA set is not trusted, even a wrong one.
        cases["insecure.plain.test"] = ("ee", [], "tls")
        n = 0
        errs = {}
        for name, (kind, recs, want) in cases.items():
            n += 1
            domain = name if "." in name else name + ".dane.test"
            lst = qlib.add_message(q, domain, "nas@nas.example", ["u%d@%s" % (n, domain)],
                                   "Subject: dane %s\n\nDANE or not\n" % name)
            rc, err = smtprc(q, domain, [lst], "/V", ub.resolver(), "--tls=dane",
                             "--timeout-connect=5", "--timeout-dns=10")
            errs[name] = err
            case = (name, want, rc, err[-2500:])
            if isinstance(want, tuple):
                _, status, text = want
                assert rc == EX_TEMPFAIL and os.path.exists(lst), case
                assert text in err, case
                assert status in open(lst).read(), (case, open(lst).read())
                # never sent in plaintext instead
                assert "(plaintext)" not in err, case
                os.unlink(lst)
                os.unlink(os.path.join(q, "mess", os.path.basename(lst)))
                continue
            assert rc == 0 and not os.path.exists(lst), case
            if want == "EE":
                assert "certificate verified by DANE-EE(3)" in err, case
            elif want == "TA":
                assert "certificate verified by DANE-TA(2)" in err, case
            elif want == "tls":
                assert "TLSv1.2 ECDHE-" in err and "not verified" in err, case
            else:
                assert "(plaintext)" in err, case
        # The bogus server was looked at and skipped, the backup used.
        assert "16 of 16 usable (over TCP)" in errs["eebig"], errs["eebig"][-2500:]
        err = errs["backup"]
        assert "h-bogus.dane.test" in err and "server not used" in err, err[-2500:]
        # unbound did the validation: it logged the bogus answer.
        assert "validation failure" in ub.log(), ub.log()[-1500:]
        assert pf.log().count("TLS connection established") >= 12, pf.log()[-2000:]
    finally:
        if ub:
            ub.stop()
        dns.stop()
        pf.stop()
        plain.stop()
        shutil.rmtree(d, ignore_errors=True)

