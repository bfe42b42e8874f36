"""Signing and verifying what a protection document's QR code carries (Ed25519).

The statement is plain text a phone can check with no network:

    ASY1.<payload, base64url JSON>.<signature, base64url>

The payload holds the minimum a checkpoint needs to match the paper to its bearer and to the
register: reference (`r`), kind (`k`), attested status (`s`) and basis (`b`), issue date (`i`),
last valid day (`v`), the first 16 hex digits of the photo's SHA-256 (`p`, empty without a
photo) and the signing key's id (`kid`). Never a name, a date of birth or a sensitive field:
a lost or photographed paper tells a persecutor no more than the paper itself.

Private keys live as PEM files in `settings.ASYLON_KEY_DIR` (default: a `keys` folder beside the
data dir, never inside it, so that `asylon backup` does not carry them; docs/deploy.md says how
to keep them). Their public halves are in the database (`SigningKey`) and published at
/verify/keys.json and by `asylon documents keys`. Rotating adds a key and retires the old one
for signing; the old public key stays published, so papers issued under it still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SigningKey

PREFIX = "ASY1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_dir() -> Path:
    path = Path(settings.ASYLON_KEY_DIR)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _pem_path(key_id: str) -> Path:
    return key_dir() / f"document-signing-{key_id}.pem"


def _new_key() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = hashlib.sha256(raw).hexdigest()[:16]
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = _pem_path(key_id)
    path.write_bytes(pem)
    path.chmod(0o600)
    return SigningKey.objects.create(key_id=key_id, public_key=_b64(raw))


def active_key() -> SigningKey:
    """The key that signs now; the first call on a new installation makes one."""
    with transaction.atomic():
        key = SigningKey.objects.select_for_update().filter(retired_at__isnull=True).order_by("-created_at").first()
        if key is None or not _pem_path(key.key_id).exists():
            if key is not None:  # its private half is gone (a restore on a new server): retire it
                key.retired_at = timezone.now()
                key.save(update_fields=["retired_at"])
            key = _new_key()
        return key


def rotate() -> SigningKey:
    """A new signing key; the previous ones keep verifying what they signed."""
    with transaction.atomic():
        SigningKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
        return _new_key()


def published_keys() -> dict[str, str]:
    """Every public key ever used, by id: what a verifier needs, and all it needs."""
    return dict(SigningKey.objects.values_list("key_id", "public_key"))


def sign(payload: dict, key: SigningKey) -> str:
    body = _b64(json.dumps(payload | {"kid": key.key_id}, separators=(",", ":"), sort_keys=True).encode())
    private = serialization.load_pem_private_key(_pem_path(key.key_id).read_bytes(), password=None)
    assert isinstance(private, Ed25519PrivateKey)
    return f"{PREFIX}.{body}.{_b64(private.sign(body.encode('ascii')))}"


@dataclass(frozen=True)
class Checked:
    """What a statement says, and whether its signature holds. `problem` is empty when it does."""

    payload: dict
    problem: str = ""

    @property
    def authentic(self) -> bool:
        return not self.problem


def check(statement: str, keys: dict[str, str]) -> Checked:
    """Verify a statement against published keys (id → base64url public key). No database."""
    parts = statement.strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return Checked({}, "not an Asylon document code")
    try:
        payload = json.loads(_unb64(parts[1]))
        signature = _unb64(parts[2])
    except ValueError:
        return Checked({}, "the code is damaged")
    public = keys.get(payload.get("kid", ""))
    if public is None:
        return Checked(payload, "signed with an unknown key")
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(public)).verify(signature, parts[1].encode("ascii"))
    except (InvalidSignature, ValueError):
        return Checked(payload, "the signature does not match: the code was altered or forged")
    return Checked(payload)
