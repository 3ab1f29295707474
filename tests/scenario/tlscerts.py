"""Certificates for the TLS tests, made by the test itself with Python's
cryptography package: a private CA, and leaves for a name, for a wrong
name, expired, or self-signed. Everything goes into one folder."""
import datetime
import os

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
    def __init__(self, folder):
        self.dir = folder
        now = datetime.datetime.utcnow()
        self.ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ca = (x509.CertificateBuilder()
                   .subject_name(_name("smtprc test CA"))
                   .issuer_name(_name("smtprc test CA"))
                   .public_key(self.ca_key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - DAY).not_valid_after(now + 30 * DAY)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
                   .add_extension(x509.KeyUsage(False, False, False, False, False,
                                                True, True, False, False), True)
                   .sign(self.ca_key, hashes.SHA256()))
        self.ca_file, _ = _write(os.path.join(folder, "ca"), self.ca, self.ca_key)

    def leaf(self, label, name, expired=False, self_signed=False, kind="ec"):
        """Writes LABEL.crt and LABEL.key for DNS name `name`."""
        now = datetime.datetime.utcnow()
        key = (ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else
               rsa.generate_private_key(public_exponent=65537, key_size=2048))
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
        cert = b.sign(key if self_signed else self.ca_key, hashes.SHA256())
        return _write(os.path.join(self.dir, label), cert, key)
