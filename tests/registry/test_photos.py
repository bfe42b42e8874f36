"""Residents' photos: taken from the person page or sent to the API, refused when the bytes are
not an image we accept or too large, shown only to those who may see the person (a partner
without a grant, or whose agreement leaves the photo out, never gets it), read on the record,
and printed on the paper whose code carries the photo's hash."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image
from tests.movements.conftest import resident  # noqa: F401  (fixture)
from tests.signin import bearer, sign_in

from asylon.accounts.roles import Role
from asylon.audit.models import AuditEvent
from asylon.core.dates import today
from asylon.core.errors import InvalidInput
from asylon.documents import services as documents
from asylon.documents import signing
from asylon.documents.models import DocumentKind
from asylon.registry import photos
from asylon.registry.models import PersonPhoto
from asylon.registry.queries import principal_applicant
from asylon.sharing import services as sharing


def jpeg(color=(200, 120, 40), size=(120, 150)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def upload(data: bytes, name: str = "face.jpg") -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ASYLON_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def person(household):
    return principal_applicant(household)


# --- the person page ------------------------------------------------------------------------


def test_a_clerk_takes_a_photo_on_the_person_page_and_the_page_shows_it(client, clerk, person):
    sign_in(client, clerk)
    page = client.get(f"/persons/{person.reference}/").content.decode()
    assert 'accept="image/*"' in page and 'capture="user"' in page and "No photo on file." in page

    response = client.post(f"/persons/{person.reference}/photo/upload/", {"photo": upload(jpeg())}, follow=True)
    assert "The photo is saved." in response.content.decode()
    assert f'src="/persons/{person.reference}/photo/' in response.content.decode()

    shown = client.get(f"/persons/{person.reference}/photo/")
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content) == jpeg()
    assert shown["Content-Type"] == "image/jpeg"
    assert "no-store" in shown["Cache-Control"]
    assert shown["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "data,name",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "face.jpg"),  # a renamed .exe
        (b"just some text pretending to be a photo\n", "face.jpg"),  # a renamed .txt
        (b"%PDF-1.7\n" + b"x" * 64, "face.png"),  # evidence takes a PDF, a photo does not
    ],
    ids=["exe", "txt", "pdf"],
)
def test_the_page_refuses_a_file_whose_bytes_are_not_a_photo(client, clerk, person, data, name):
    sign_in(client, clerk)
    response = client.post(f"/persons/{person.reference}/photo/upload/", {"photo": upload(data, name)}, follow=True)
    assert "is not an accepted type (accepted: JPEG, PNG, WebP)" in response.content.decode()
    assert not PersonPhoto.objects.exists()
    assert not [p for p in (photos.STORE.root() / "photos").rglob("*") if p.is_file()]


def test_a_photo_over_the_limit_is_refused_naming_the_file_field(clerk, person, settings):
    settings.ASYLON_PHOTO_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as refused:
        photos.set_photo(actor=clerk, person=person, file=upload(jpeg(size=(600, 600))), name="big.jpg")
    assert list(refused.value.errors) == ["file"]
    assert "big.jpg is larger than the limit" in refused.value.errors["file"][0]
    assert not PersonPhoto.objects.exists()


def test_a_new_photo_replaces_the_current_one_and_the_old_one_stays(clerk, person):
    first = photos.set_photo(actor=clerk, person=person, file=upload(jpeg((10, 10, 10))), name="a.jpg")
    second = photos.set_photo(actor=clerk, person=person, file=upload(jpeg((250, 250, 250))), name="b.jpg")
    first.refresh_from_db()
    assert (first.current, second.current) == (False, True)
    assert photos.current_photo(person) == second
    assert photos.STORE.path_of(first.sha256).exists()
    uploaded = AuditEvent.objects.filter(action="person.photo_uploaded").order_by("pk")
    assert [e.changes["sha256"] for e in uploaded] == [first.sha256, second.sha256]
    assert uploaded.last().changes["replaces"] == first.sha256


def test_a_field_monitor_cannot_take_a_photo(client, make_user, clerk, person):
    monitor = make_user(Role.FIELD_MONITOR, username="monitor")
    sign_in(client, monitor)
    response = client.post(f"/persons/{person.reference}/photo/upload/", {"photo": upload(jpeg())})
    assert response.status_code in (403, 404)
    assert not PersonPhoto.objects.exists()


def test_every_view_of_the_photo_is_recorded(client, clerk, protection_officer, person):
    photo = photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    sign_in(client, protection_officer)
    for _ in range(2):
        response = client.get(f"/persons/{person.reference}/photo/")
        b"".join(response.streaming_content)
    viewed = AuditEvent.objects.filter(action="person.photo_viewed")
    assert viewed.count() == 2
    assert {e.changes["sha256"] for e in viewed} == {photo.sha256}
    assert {e.actor_id for e in viewed} == {protection_officer.pk}


def test_another_sites_staff_never_get_the_photo(client, make_user, clerk, person, site_b):
    photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    elsewhere = make_user(Role.PROTECTION_OFFICER, username="po-b", sites=[site_b])
    sign_in(client, elsewhere)
    assert client.get(f"/persons/{person.reference}/photo/").status_code == 404
    assert not AuditEvent.objects.filter(action="person.photo_viewed").exists()


# --- the API ----------------------------------------------------------------------------------


def put(client, user, reference: str, data: bytes, name: str = "face.jpg"):
    body = encode_multipart(BOUNDARY, {"file": upload(data, name)})
    return client.put(f"/api/v1/persons/{reference}/photo", data=body, content_type=MULTIPART_CONTENT, **bearer(user))


def test_the_api_takes_a_photo_and_gives_it_back(client, clerk, person):
    response = put(client, clerk, person.reference, jpeg())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["content_type"] == "image/jpeg" and body["person"] == person.reference
    got = client.get(f"/api/v1/persons/{person.reference}/photo", **bearer(clerk))
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == jpeg()
    assert "no-store" in got["Cache-Control"]
    assert body["sha256"] == PersonPhoto.objects.get().sha256
    assert AuditEvent.objects.filter(action="person.photo_viewed").count() == 1


def test_the_api_refuses_a_renamed_text_file_naming_the_field(client, clerk, person):
    response = put(client, clerk, person.reference, b"hello, I am text\n" * 4, name="face.jpg")
    assert response.status_code in (400, 422)
    assert "file" in response.content.decode() and "not an accepted type" in response.content.decode()
    assert not PersonPhoto.objects.exists()


def test_the_api_answers_404_without_a_photo(client, clerk, person):
    assert client.get(f"/api/v1/persons/{person.reference}/photo", **bearer(clerk)).status_code == 404


# --- partners (D3-D6) -------------------------------------------------------------------------


def _partner(po, rso, make_user, *, fields, grant_to=None, username="partner-al"):
    country = sharing.create_recipient(actor=po, name="Albania delegation", kind="RESETTLEMENT_COUNTRY", country="AL")
    sharing.record_sharing_agreement(
        actor=po,
        recipient=country,
        reference="AGR-AL",
        purpose="resettlement case processing",
        fields=fields,
        valid_from=today() - timedelta(days=30),
    )
    partner = make_user(Role.PARTNER, username=username)
    sharing.link_recipient_user(actor=po, recipient=country, user=partner)
    if grant_to is not None:
        sharing.grant_sharing(actor=rso, recipient=country, persons=[grant_to], reason="Submission", source="t:1")
    return partner


def test_a_partner_without_a_grant_never_gets_the_photo(client, po, rso, clerk, make_user, resident):  # noqa: F811
    person = resident("REFUGEE", given_name="Notshared")
    photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    partner = _partner(po, rso, make_user, fields=["reference", "photo"])
    sign_in(client, partner)
    assert client.get(f"/persons/{person.reference}/photo/").status_code == 404
    assert client.get(f"/api/v1/persons/{person.reference}/photo", **bearer(partner)).status_code == 404
    assert not AuditEvent.objects.filter(action="person.photo_viewed").exists()


def test_a_partner_whose_agreement_leaves_out_the_photo_is_refused(client, po, rso, clerk, make_user, resident):  # noqa: F811
    person = resident("REFUGEE", given_name="Shared")
    photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    partner = _partner(po, rso, make_user, fields=["reference", "full_name"], grant_to=person)
    response = client.get(f"/api/v1/persons/{person.reference}/photo", **bearer(partner))
    assert response.status_code == 409  # a safeguard's refusal, naming the rule
    assert response.json()["code"] == "safeguard_refusal" and jpeg() not in response.content
    sign_in(client, partner)
    client.raise_request_exception = False
    page = client.get(f"/persons/{person.reference}/photo/")
    assert page.status_code == 403 and jpeg() not in page.content
    assert AuditEvent.objects.filter(action="disclosure.refused").exists()
    assert not AuditEvent.objects.filter(action="person.photo_viewed").exists()


def test_a_partner_with_a_grant_covering_the_photo_gets_it_as_a_release(client, po, rso, clerk, make_user, resident):  # noqa: F811
    person = resident("REFUGEE", given_name="Shared")
    photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    partner = _partner(po, rso, make_user, fields=["reference", "photo"], grant_to=person)
    response = client.get(f"/api/v1/persons/{person.reference}/photo", **bearer(partner))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == jpeg()
    released = AuditEvent.objects.filter(action="disclosure.released").last()
    assert "photo" in str(released.changes)
    assert AuditEvent.objects.filter(action="person.photo_viewed", actor=partner).count() == 1


def test_a_partners_person_page_does_not_release_the_photo(client, po, rso, clerk, make_user, resident):  # noqa: F811
    from asylon.registry.views import PERSON_PAGE_FIELDS

    person = resident("REFUGEE", given_name="Shared")
    photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    partner = _partner(po, rso, make_user, fields=[*PERSON_PAGE_FIELDS, "photo"], grant_to=person)
    sign_in(client, partner)
    page = client.get(f"/persons/{person.reference}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Shared" in body
    assert f"/persons/{person.reference}/photo/" not in body and "Photo taken on" not in body
    assert not AuditEvent.objects.filter(action="person.photo_viewed").exists()


def test_exports_never_carry_the_photo(protection_officer, clerk, person):
    from asylon.reports import exports

    photo = photos.set_photo(actor=clerk, person=person, file=upload(jpeg()), name="face.jpg")
    for spec in exports.RECORD_EXPORTS.values():
        assert not any("photo" in c.key for c in spec.columns), spec.name
    done = exports.export_records(
        actor=protection_officer, kind="persons", site=person.site, fmt="csv", purpose="camp planning"
    )
    content = done.path.read_bytes()
    done.path.unlink()
    assert person.reference.encode() in content
    assert photo.sha256.encode() not in content and photo.sha256[:16].encode() not in content
    assert b"photo" not in content.lower()


# --- the printed paper ------------------------------------------------------------------------


def test_the_paper_prints_the_photo_and_its_code_carries_the_hash(clerk, person, tmp_path):
    from asylon.documents.pdf import render_pdf

    bare = documents.issue_document(actor=clerk, person=person, kind=DocumentKind.HOUSEHOLD_SLIP)
    without = render_pdf(bare)
    photo = photos.set_photo(actor=clerk, person=person, file=upload(jpeg(size=(300, 375))), name="face.jpg")
    assert documents.photo_digest(person) == photo.sha256
    doc = documents.issue_document(actor=clerk, person=person, kind=DocumentKind.HOUSEHOLD_SLIP)
    assert doc.photo_sha256 == photo.sha256
    checked = signing.check(doc.statement, signing.published_keys())
    assert checked.authentic and checked.payload["p"] == photo.sha256[:16]

    pdf = render_pdf(doc)
    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    bare_path = tmp_path / "bare.pdf"
    bare_path.write_bytes(without)
    bare_listed = subprocess.run(["pdfimages", "-list", str(bare_path)], capture_output=True, text=True, check=True)
    # The bare paper holds the QR only; the paper with a photo holds the photo too.
    assert len(listed.strip().splitlines()) > len(bare_listed.stdout.strip().splitlines())
    assert any(" 300 " in line and " 375 " in line for line in listed.splitlines())
