"""Certificates for the TLS tests, made by the test itself with Python's
cryptography package: a private CA, and leaves for a name, for a wrong
name, expired, or self-signed. Everything goes into one folder."""
import datetime
import os
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

DAY = datetime.timedelta(days=1)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write(path, cert, key):
    with open(path + ".crt", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(path + ".key", "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return path + ".crt", path + ".key"


class Certs:
    def __init__(self, folder, ca_kind="rsa"):
        """ca_kind "rsa" (2048 bits) or "ec384": a P-384 key that signs
        with SHA-384, as the ECDSA CAs of public PKIs do."""
        self.dir = folder
        now = datetime.datetime.utcnow()
        self.ca_key = (ec.generate_private_key(ec.SECP384R1()) if ca_kind == "ec384"
                       else rsa.generate_private_key(public_exponent=65537,
                                                     key_size=2048))
        self.ca_hash = hashes.SHA384() if ca_kind == "ec384" else hashes.SHA256()
        self.ca = (x509.CertificateBuilder()
                   .subject_name(_name("smtprc test CA"))
                   .issuer_name(_name("smtprc test CA"))
                   .public_key(self.ca_key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - DAY).not_valid_after(now + 30 * DAY)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False,
                                                True, True, False, False), True)
                   .sign(self.ca_key, self.ca_hash))
        self.ca_file, _ = _write(os.path.join(folder, "ca"), self.ca, self.ca_key)

    def leaf(self, label, name, expired=False, self_signed=False, kind="ec",
             chain=False, bits=2048, sig_hash=None):
        """Writes LABEL.crt and LABEL.key for DNS name `name`; with chain,
        LABEL.crt holds the CA's certificate after the leaf's (what a
        DANE-TA(2) server sends). sig_hash: the hash of the signature
        (default the CA's: SHA-256, or SHA-384 for an ec384 CA)."""
        now = datetime.datetime.utcnow()
        key = (ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else
               rsa.generate_private_key(public_exponent=65537, key_size=bits))
        start, end = ((now - 10 * DAY, now - 5 * DAY) if expired else
                      (now - DAY, now + 30 * DAY))
        b = (x509.CertificateBuilder()
             .subject_name(_name(name))
             .issuer_name(_name(name) if self_signed else self.ca.subject)
             .public_key(key.public_key())
             .serial_number(x509.random_serial_number())
             .not_valid_before(start).not_valid_after(end)
             .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), True))
        with warnings.catch_warnings():   # SHA-1 is deprecated: on purpose
            warnings.simplefilter("ignore")
            cert = b.sign(key if self_signed else self.ca_key,
                          sig_hash or self.ca_hash)
        out = _write(os.path.join(self.dir, label), cert, key)
        if chain:
            with open(out[0], "ab") as f:
                f.write(self.ca.public_bytes(serialization.Encoding.PEM))
        return out


def der(cert_file):
    """The DER of the first certificate in a PEM file."""
    with open(cert_file, "rb") as f:
        return x509.load_pem_x509_certificate(f.read()).public_bytes(
            serialization.Encoding.DER)


def spki(cert_file):
    """The DER SubjectPublicKeyInfo of that certificate."""
    with open(cert_file, "rb") as f:
        c = x509.load_pem_x509_certificate(f.read())
    return c.public_key().public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.SubjectPublicKeyInfo)
