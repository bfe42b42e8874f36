"""`asylon documents`: verify a protection document, publish or rotate the signing keys.

    asylon documents verify FILE|CODE   a PDF, a photo of the QR code, or the code's text
    asylon documents keys               the public keys a verifier needs (JSON)
    asylon documents rotate-key         a new signing key; papers signed before still verify

`verify` checks the signature with the published keys, then what the register says of the
paper (valid, withdrawn, superseded, expired). It exits 0 only for a valid paper.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asylon.documents import services, signing


def read_code(source: str) -> str:
    """The statement in `source`: the text itself, or the QR code found in a PDF or an image."""
    path = Path(source)
    if source.startswith(signing.PREFIX + ".") or not path.exists():
        return source
    import zxingcpp
    from PIL import Image

    if path.suffix.lower() == ".pdf":
        # poppler-utils (make system-deps) renders the first page at a resolution the QR reads at.
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm is None:
            raise CommandError("pdftoppm is missing: apt-get install poppler-utils")
        with tempfile.TemporaryDirectory() as tmp:
            command = [pdftoppm, "-r", "200", "-png", "-f", "1", "-l", "1", str(path), f"{tmp}/p"]
            subprocess.run(command, check=True)  # noqa: S603 - fixed arguments; the file is the operator's
            image = Image.open(next(Path(tmp).glob("p*.png")))
            image.load()
    else:
        image = Image.open(path)
    found = [r.text for r in zxingcpp.read_barcodes(image) if r.text.startswith(signing.PREFIX + ".")]
    if not found:
        raise CommandError(f"No Asylon document code found in {source}.")
    return found[0]


class Command(BaseCommand):
    help = "Verify protection documents; publish or rotate the keys that sign them."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Verify a document (PDF, image of its QR code, or the code)")
        verify.add_argument("source")
        sub.add_parser("keys", help="Print the public keys (JSON)")
        sub.add_parser("rotate-key", help="Sign new documents with a new key")

    def handle(self, *args, action: str, source: str = "", **options) -> None:
        if action == "keys":
            self.stdout.write(json.dumps({"keys": signing.published_keys()}, indent=2))
        elif action == "rotate-key":
            key = signing.rotate()
            self.stdout.write(f"New signing key {key.key_id}; earlier keys stay published for verification.")
        else:
            verdict = services.verify(read_code(source))
            p = verdict.payload
            self.stdout.write(
                f"{verdict.verdict.upper()}: {p.get('r', '?')} ({p.get('k', '?')}, {p.get('s', '?')}, "
                f"valid until {p.get('v', '?')}){' - ' + verdict.reason if verdict.reason else ''}"
            )
            if verdict.verdict != "valid":
                raise SystemExit(1)
