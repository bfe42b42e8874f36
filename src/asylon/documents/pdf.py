"""The printed paper: a PDF (WeasyPrint) in the resident's language and English, with the QR code."""

from __future__ import annotations

import base64
import io

import qrcode
from django.template.loader import render_to_string
from django.utils import translation

from asylon.registry.photos import photo_bytes

from .models import ProtectionDocument


def qr_png(text: str) -> bytes:
    # Error correction M: a creased or smudged paper still scans; the statement fits in version ~12.
    image = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def photo_uri(doc: ProtectionDocument) -> str:
    """The photo the paper attests (its hash is signed in the code's `p`) as a data URI, or ""."""
    found = photo_bytes(doc.person, doc.photo_sha256)
    if found is None:
        return ""
    content_type, data = found
    return f"data:{content_type};base64," + base64.b64encode(data).decode()


def _side(doc: ProtectionDocument, language: str, photo: str) -> str:
    with translation.override(language):
        return render_to_string(
            "documents/_paper_side.html",
            {"doc": doc, "person": doc.person, "lang": language, "rtl": language in ("fa", "ar"), "photo": photo},
        )


def render_pdf(doc: ProtectionDocument) -> bytes:
    import weasyprint

    languages = [doc.language] + ([] if doc.language == "en" else ["en"])
    photo = photo_uri(doc)
    html = render_to_string(
        "documents/paper.html",
        {
            "doc": doc,
            "sides": [_side(doc, lang, photo) for lang in languages],
            "qr": "data:image/png;base64," + base64.b64encode(qr_png(doc.statement)).decode(),
        },
    )
    return weasyprint.HTML(string=html).write_pdf()
