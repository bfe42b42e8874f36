"""Who received whom over the API: the personal-data exports of the reader's sites (D6), the
persons each one carried, and whether that list still matches its audit event.

Open to the roles that read the audit trail (`audit.view_audit_trail`); an export of another
site reads as absent (404). Like the trail, reading records no event of its own.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Path, Query, Router, Schema

from asylon.core.api_edge import Id, Line, requires
from asylon.core.types import AuthedRequest

from . import exported
from .models import PersonalDataExport

router = Router(tags=["exports"])

PAGE_MAX = 5000


class ExportOut(Schema):
    id: int = Field(examples=[12])
    site: str = Field(examples=["LIB"])
    kind: str = Field(description="The register exported", examples=["persons"])
    format: str = Field(examples=["xlsx"])
    purpose: str = Field(examples=["Distribution list check"])
    recipient: str = Field(examples=["internal use by the operation"])
    exported_by: str | None = Field(description="Username, or null for the system", examples=["protection-lib"])
    exported_at: datetime = Field(examples=["2013-05-01T10:15:00Z"])
    person_count: int = Field(description="The persons the export carried", examples=[3])

    @staticmethod
    def resolve_site(export: PersonalDataExport) -> str:
        return export.site.code

    @staticmethod
    def resolve_exported_by(export: PersonalDataExport) -> str | None:
        return export.exported_by.get_username() if export.exported_by else None


class ExportCheckOut(ExportOut):
    references_sha256: str = Field(description="SHA-256 of the references in file order, each ending in a newline")
    matches_audit: bool = Field(description="The stored list gives the count and digest its audit event recorded")


class ExportedPersonOut(Schema):
    row: int = Field(description="The file row (the header is row 1)", examples=[2])
    reference: str = Field(examples=["LIB-000123"])


class ExportedPersonPage(Schema):
    items: list[ExportedPersonOut]
    next_cursor: int | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ExportsIn(Schema):
    reference: Line | None = Field(None, description="Only the exports that carried this person", examples=["LIB-1"])
    limit: int = Field(100, ge=1, le=500)


class ExportPath(Schema):
    pk: Id = Field(examples=[12])


class PersonsIn(Schema):
    cursor: Id = Field(0, description="`next_cursor` of the page before")
    limit: int = Field(1000, ge=1, le=PAGE_MAX)


READ = requires(exported.READ)


@router.get("/personal-data-exports", response=list[ExportOut], auth=READ, summary="List personal-data exports")
def list_exports(request: AuthedRequest, q: Query[ExportsIn]):
    """The exports of personal data from your sites, newest first; with `reference`, those that
    carried that person (who received their data, when, why)."""
    return list(exported.exports_for(request.user, reference=q.reference)[: q.limit])


@router.get(
    "/personal-data-exports/{pk}", response=ExportCheckOut, auth=READ, summary="One export, checked against the trail"
)
def get_export(request: AuthedRequest, path: Path[ExportPath]):
    """The export, and whether its list of persons still gives what its audit event recorded."""
    export = exported.get_export(request.user, path.pk)
    checked = exported.check(export)
    export.references_sha256 = checked.references_sha256  # type: ignore[attr-defined]
    export.matches_audit = checked.matches  # type: ignore[attr-defined]
    return export


@router.get(
    "/personal-data-exports/{pk}/persons",
    response=ExportedPersonPage,
    auth=READ,
    summary="The persons an export carried",
)
def export_persons(request: AuthedRequest, path: Path[ExportPath], q: Query[PersonsIn]):
    """The persons the export carried, in file order, a page at a time."""
    rows, cursor = exported.exported_persons(request.user, path.pk, after=q.cursor, limit=q.limit)
    return {"items": rows, "next_cursor": cursor}
