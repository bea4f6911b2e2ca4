"""A demonstration public-key infrastructure (R4.1, R7.3), made with the `cryptography` package.

The shape follows the Vietnamese one: a root named like the government's certification authority
(Ban Cơ yếu Chính phủ runs "Cơ quan chứng thực số Chính phủ"; the demo's distinguished names are
assumptions, marked DEMO), an issuing CA below it, one signing identity (PKCS#12) per agency and a
citizen's certificate. Keys are EC P-256: quick to make, accepted by PAdES validators. Nothing made
here is ever committed: `motcua pki demo` writes it under the data folder, tests make their own."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_PASSWORD = "demo"  # every demo PKCS#12 file; a real identity's password comes from the environment
ROOT_FILE = "root.pem"
ISSUING_FILE = "issuing-ca.pem"
TSA_FILE = "tsa.p12"
ISSUING_KEY_FILE = "issuing-ca.p12"  # demo only: lets the port issue an identity to a new demo agency
CITIZEN_FILE = "citizen.p12"
AGENCY_DIR = "agencies"


@dataclass(frozen=True)
class Authority:
    """A certificate and its private key (a CA, or an end entity before it is written out)."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, organisation: str, unit: str | None = None) -> x509.Name:
    """A distinguished name (each attribute at most 64 UTF-8 bytes, as the library bounds them)."""
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, _cut(organisation))]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _cut(unit)))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, _cut(common_name)))
    return x509.Name(parts)


def _cut(text: str, limit: int = 64) -> str:
    return text.encode()[:limit].decode(errors="ignore")


def _builder(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
             not_before: dt.datetime, not_after: dt.datetime) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))


def make_root(common_name: str, organisation: str, *, now: dt.datetime, years: int = 20) -> Authority:
    """A self-signed root CA (BasicConstraints ca=True, keyCertSign, cRLSign)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation)
    cert = (_builder(name, name, key, now - dt.timedelta(days=1), now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .sign(key, hashes.SHA256()))
    return Authority(cert, key)


def make_ca(parent: Authority, common_name: str, organisation: str, *, now: dt.datetime,
            years: int = 10) -> Authority:
    """An issuing CA below `parent` (path length 0: it issues end entities only)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(common_name, organisation), parent.cert.subject, key,
                     now - dt.timedelta(days=1), now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(_authority_key_id(parent), critical=False)
            .sign(parent.key, hashes.SHA256()))
    return Authority(cert, key)


def make_signer(issuer: Authority | None, common_name: str, organisation: str, *, now: dt.datetime,
                unit: str | None = None, not_before: dt.datetime | None = None,
                not_after: dt.datetime | None = None, timestamping: bool = False) -> Authority:
    """An end entity for signatures (KeyUsage digitalSignature + nonRepudiation), or a time-stamping
    authority's (extended key usage timeStamping). Without an issuer it signs itself (a self-made
    certificate, what a forger would have). The TSA's key is RSA (pyHanko's local authority signs RSA only)."""
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048) if timestamping
        else ec.generate_private_key(ec.SECP256R1()))
    subject = _name(common_name, organisation, unit)
    start = not_before or now - dt.timedelta(days=1)
    end = not_after or now + dt.timedelta(days=365 * 3)
    builder = (_builder(subject, issuer.cert.subject if issuer else subject, key, start, end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True))
    if timestamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if issuer is not None:
        builder = builder.add_extension(_authority_key_id(issuer), critical=False)
    cert = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Authority(cert, key)


def pkcs12_bytes(entity: Authority, chain: Iterable[x509.Certificate], password: str, name: str) -> bytes:
    """The PKCS#12 file of an identity: its key, its certificate and the chain up to the root."""
    return pkcs12.serialize_key_and_certificates(
        name.encode(), entity.key, entity.cert, list(chain),
        serialization.BestAvailableEncryption(password.encode()))


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                         encipher_only=False, decipher_only=False)


def _authority_key_id(issuer: Authority) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())


@dataclass(frozen=True)
class DemoPki:
    """What `make_demo_pki` wrote: the root (the trust anchor) and the identities' files."""

    folder: Path
    root: Path
    issuing: Path
    agencies: dict[str, Path]
    citizen: Path
    tsa: Path


def make_demo_pki(folder: Path, agencies: Iterable[tuple[str, str]], applicant: str, *,
                  now: dt.datetime, password: str = DEMO_PASSWORD) -> DemoPki:
    """Write a demo PKI into `folder`: root.pem, issuing-ca.pem, agencies/<code>.p12 (one per agency),
    issuing-ca.p12 (its key: new demo agencies get an identity on first use), citizen.p12
    (the demo applicant) and tsa.p12 (the local time-stamping authority)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / AGENCY_DIR).mkdir(exist_ok=True)
    root = make_root("Cơ quan chứng thực số Chính phủ (DEMO)", "Ban Cơ yếu Chính phủ (DEMO)", now=now)
    issuing = make_ca(root, "Cơ quan chứng thực số chuyên dùng Chính phủ (DEMO)", "Ban Cơ yếu Chính phủ (DEMO)",
                      now=now)
    chain = [issuing.cert, root.cert]
    paths: dict[str, Path] = {}
    for code, name in agencies:
        entity = make_signer(issuing, name, name, unit=code, now=now)
        paths[code] = folder / AGENCY_DIR / f"{code}.p12"
        write_private(paths[code], pkcs12_bytes(entity, chain, password, name))
    citizen = make_signer(issuing, applicant, "Công dân (DEMO)", now=now)
    write_private(folder / CITIZEN_FILE, pkcs12_bytes(citizen, chain, password, applicant))
    tsa = make_signer(issuing, "Dịch vụ cấp dấu thời gian (DEMO)", "Ban Cơ yếu Chính phủ (DEMO)", now=now,
                      timestamping=True)
    write_private(folder / TSA_FILE, pkcs12_bytes(tsa, chain, password, "tsa"))
    write_private(folder / ISSUING_KEY_FILE, pkcs12_bytes(issuing, [root.cert], password, "issuing"))
    (folder / ISSUING_FILE).write_bytes(issuing.pem())
    (folder / ROOT_FILE).write_bytes(root.pem())  # written last: its presence says the PKI is complete
    return DemoPki(folder, folder / ROOT_FILE, folder / ISSUING_FILE, paths, folder / CITIZEN_FILE,
                   folder / TSA_FILE)


def write_private(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o600)
