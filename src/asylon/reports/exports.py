"""Exports: registers as files for internal use, and aggregates for humanitarian data exchange.

Two kinds, kept apart on purpose (DOMAIN.md 8.2 and 10):

* **Record exports** (persons, households, incidents) are plain CSV/XLSX for the operation's
  own work. Every one that carries personal data passes `guard_export` (the data-sharing
  rules, D1-D6) and is recorded with its fields, count, recipient, purpose and checksum.
  Sensitive fields are left out unless the actor may see them and asks for them.
  They never carry HXL hashtags: HXL is for exchange, and individual-level HXL (`#respondee`)
  must not be exported for this population.
* **Aggregate exports** (households by block, incidents by month and type) carry the HXL
  hashtag row and pass disclosure control (small cells hidden, D5). They are recorded as
  reports (`ReportRun`).

The exporters are table-driven: an app adds its own (movements, resettlement cases) with
`register_export(RecordExport(...))` or `register_aggregate(AggregateExport(...))`.

A file is written to a temporary file first; only when the guard allows it and the export is
recorded does it leave (`ExportedFile.path`, moved or streamed by the edge).
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, cast

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _l

from asylon.audit import services as audit
from asylon.core.dates import today
from asylon.core.errors import InvalidInput
from asylon.core.scope import can, ensure
from asylon.core.types import Actor
from asylon.registry.bulk import insert_rows
from asylon.registry.models import Household, Membership, Person, SensitiveProfile, Site, SpecificNeed
from asylon.safeguards import Agreement, DisclosureSubject, Recipient, RecipientKind, SharingDecision
from asylon.safeguards import assess_disclosure as _assess
from asylon.safeguards.types import country

from . import services as report_services
from . import statistics, xlsx
from .disclosure import protect_table, protect_vector
from .models import ExportedPerson, PersonalDataExport, ReportKind

FORMATS = ("csv", "xlsx")
INTERNAL_USE = "internal use by the operation"


# --- the data-sharing guard -------------------------------------------------------------


def internal_recipient(purpose: str, fields: Iterable[str]) -> Recipient:
    """The operation itself, as a recipient: the UN agency running the camp (UNHCR in the demo).

    Internal use is a disclosure under the general data-protection principles (rule "DP"):
    the stated purpose and the exported fields make up its record, like an agreement with
    ourselves. D1 still applies first: no recipient acting for a persecuting state passes.
    """
    return Recipient(
        kind=RecipientKind.UN_AGENCY,
        name=INTERNAL_USE,
        agreement=Agreement(
            purpose=purpose,
            fields=frozenset(fields),
            non_refoulement_undertaking=True,
            valid_from=today(),
            reference="internal",
        ),
    )


def guard_export(
    actor: Actor,
    recipient: Recipient | None,
    persons: Iterable[DisclosureSubject | PersonSubject],
    fields: Iterable[str],
    purpose: str,
    *,
    site: Site,
    details: dict[str, Any] | None = None,
    sensitive_fields: Iterable[str] = (),
    kind: str = "",
    fmt: str = "",
) -> SharingDecision:
    """Ask the data-sharing rules whether `fields` about `persons` may go to `recipient` (None:
    internal use) for `purpose`, and record the decision (D6), allowed or refused: `disclosing`
    for persons known at once, one to a row. Raises SafeguardRefusal when refused (after
    recording it)."""
    with disclosing(
        actor, recipient, fields, purpose, site=site, kind=kind, fmt=fmt, sensitive_fields=sensitive_fields
    ) as disclosed:
        for row, person in enumerate(persons, start=2):
            disclosed.add(row, (person,))
        disclosed.details.update(details or {})
    return disclosed.result()


# The persons of an export are assessed and written this many at a time.
CHUNK = 5000


class Disclosed:
    """The persons an export reveals, added as its rows stream. Every `CHUNK` of them the
    data-sharing rules assess them and, while every chunk so far is allowed, their references
    are written to the export's `ExportedPerson` rows; what is kept is their count and a digest
    of their references in file order (each followed by a newline), never the list itself.

    The rules read the persons of a chunk, not of the whole export, and decide the same: D1
    refuses the batch if any person in it fled the recipient's state, D3 if any person was not
    submitted to it, so a chunk refused refuses the export (and the refusal names the persons
    of that chunk). The rules put D1 before every other rule; so does the export: a D1 refusal
    of a later chunk replaces another rule's refusal of an earlier one."""

    def __init__(self, recipient: Recipient, fields: list[str], purpose: str, export: PersonalDataExport) -> None:
        self.recipient, self.fields, self.purpose, self.export = recipient, fields, purpose, export
        self.count = 0
        self.digest = hashlib.sha256()
        self.decision: SharingDecision | None = None
        self.details: dict[str, Any] = {}
        self._pending: list[tuple[int, DisclosureSubject | PersonSubject]] = []

    def add(self, row: int, persons: Iterable[DisclosureSubject | PersonSubject]) -> None:
        self._pending.extend((row, p) for p in persons)
        if len(self._pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self._pending and self.decision is not None:
            return
        pending, self._pending = self._pending, []
        decision = _assess(
            self.recipient, cast(list[Any], [p for _r, p in pending]), self.fields, self.purpose, today()
        )
        if self._overrides(decision):
            self.decision = decision
        for _row, p in pending:
            self.digest.update(p.reference.encode() + b"\n")
        self.count += len(pending)
        if self.result().allowed and pending:
            insert_rows(
                ExportedPerson._meta.db_table,
                ["export_id", "row", "reference"],
                ((self.export.pk, row, p.reference) for row, p in pending),
            )

    def _overrides(self, decision: SharingDecision) -> bool:
        """The whole export's decision so far gives way to a chunk's: to any refusal while
        allowed, and to a D1 refusal (which the rules put before every other) while refused
        by another rule."""
        if self.decision is None or self.decision.allowed:
            return True
        return not decision.allowed and decision.rule == "D1" and self.decision.rule != "D1"

    def result(self) -> SharingDecision:
        assert self.decision is not None, "decided when `disclosing` ends"
        return self.decision


@contextmanager
def disclosing(
    actor: Actor,
    recipient: Recipient | None,
    fields: Iterable[str],
    purpose: str,
    *,
    site: Site,
    kind: str = "",
    fmt: str = "",
    sensitive_fields: Iterable[str] = (),
) -> Iterator[Disclosed]:
    """The record of a personal-data export (D6), made as its rows stream: the body adds each
    row's persons to the `Disclosed` it is given (and its file's details to `.details`). On
    leaving, in the same transaction, the decision is recorded as the audit event
    `export.personal_data` with recipient, legal basis, purpose, fields, the count and digest
    of the persons and the `PersonalDataExport` holding them; a refusal keeps its event and
    drops the export's rows, and is raised as the block ends, once committed."""
    if not (purpose or "").strip():
        raise InvalidInput({"purpose": [_("State the purpose of the export.")]})
    fields = sorted(set(fields))
    recipient = recipient or internal_recipient(purpose.strip(), fields)
    with transaction.atomic():
        before = transaction.savepoint()
        export = PersonalDataExport.objects.create(
            site=site,
            kind=kind,
            format=fmt,
            purpose=purpose.strip()[:500],
            recipient=recipient.name[:200],
            exported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        disclosed = Disclosed(recipient, fields, purpose.strip(), export)
        yield disclosed
        disclosed.flush()
        decision = disclosed.result()
        if decision.allowed:
            transaction.savepoint_commit(before)
        else:
            transaction.savepoint_rollback(before)
        record = decision.as_audit_dict()
        record.pop("persons")
        changes = {
            **record,
            "export_id": export.pk if decision.allowed else None,
            "count": disclosed.count,
            "references_sha256": disclosed.digest.hexdigest(),
            "sensitive_fields": sorted(set(sensitive_fields)),
            **disclosed.details,
        }
        audit.record(
            actor, "export.personal_data", site, changes=changes, object_ref=f"{site.code}-export", site_id=site.pk
        )
    decision.raise_if_refused()


# --- writing rows -----------------------------------------------------------------------


@dataclass
class ExportedFile:
    path: Path
    file_name: str
    content_type: str
    rows: int
    sha256: str
    size: int


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _write(
    fmt: str,
    headers: list[str],
    rows: Iterable[list[Any]],
    hxl: list[str] | None = None,
    keys: list[str] | None = None,
) -> tuple[Path, int]:
    """Rows to a temporary file, streamed (CSV as text, XLSX through `xlsx.write_xlsx`).

    The header row is for people (labels in the exporter's language); what machines
    read is kept beside it: the HXL hashtag row of an aggregate, and for a record export in
    XLSX a second sheet, "columns", pairing each header with the field's stable `key`.
    """
    if fmt not in FORMATS:
        raise InvalidInput({"format": [_("Use csv or xlsx.")]})
    handle = tempfile.NamedTemporaryFile(prefix="asylon-export-", suffix=f".{fmt}", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    count = 0
    if fmt == "csv":
        with io.TextIOWrapper(handle, encoding="utf-8", newline="") as text:
            writer = csv.writer(text)
            writer.writerow(headers)
            if hxl:
                writer.writerow(hxl)
            for row in rows:
                writer.writerow(["" if v is None else v for v in row])
                count += 1
        return path, count
    handle.close()
    counted = [0]

    def export_sheet() -> Iterator[list[Any]]:
        yield headers
        if hxl:
            yield hxl
        for row in rows:
            counted[0] += 1
            yield row

    sheets: list[tuple[str, Iterable[list[Any]]]] = [("export", export_sheet())]
    if keys:
        sheets.append(("columns", [["key", "label"], *([k, h] for k, h in zip(keys, headers, strict=True))]))
    xlsx.write_xlsx(path, sheets)
    return path, counted[0]


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


# --- record exports ---------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One exported field: `key` is its machine name (the audit record, the XLSX "columns"
    sheet), `label` the header a person reads in the file, in the exporter's language."""

    key: str
    label: Any
    value: Callable[[Any], Any]
    sensitive: bool = False


@dataclass(frozen=True)
class RecordExport:
    """A register exported row by row. `rows(actor, site, sensitive)` yields objects (streamed);
    `subject(obj)` names the persons a row reveals (None for rows naming no one)."""

    name: str
    label: Any
    read_permission: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, Site, bool], Iterable[Any]]
    subjects: Callable[[Any], Iterable[DisclosureSubject | PersonSubject]] | None = None
    # How many rows the site has, cheaply: decides whether the export is made on the queue.
    count: Callable[[Site], int] | None = None

    @property
    def personal(self) -> bool:
        return self.subjects is not None


RECORD_EXPORTS: dict[str, RecordExport] = {}


def register_export(spec: RecordExport) -> RecordExport:
    RECORD_EXPORTS[spec.name] = spec
    return spec


def check_records(*, actor: Actor, kind: str, site: Site, purpose: str, include_sensitive: bool) -> RecordExport:
    """What must hold before a record export is made (or queued): the export, the actor's
    permissions and a purpose."""
    spec = RECORD_EXPORTS.get(kind)
    if spec is None:
        raise InvalidInput({"kind": [_("Unknown export %(k)r.") % {"k": kind}]})
    ensure(actor, "reports.export_personal_data", site)
    ensure(actor, spec.read_permission, site)
    if include_sensitive:
        ensure(actor, "registry.view_sensitive", site)
    if not (purpose or "").strip():
        raise InvalidInput({"purpose": [_("State the purpose of the export.")]})
    return spec


def estimated_rows(kind: str, site: Site) -> int:
    """The rows a record export of `site` would have (0 when the export cannot tell)."""
    spec = RECORD_EXPORTS.get(kind)
    return spec.count(site) if spec is not None and spec.count is not None else 0


def export_records(
    *,
    actor: Actor,
    kind: str,
    site: Site,
    fmt: str,
    purpose: str,
    include_sensitive: bool = False,
    recipient: Recipient | None = None,
) -> ExportedFile:
    """A register of a site as a CSV/XLSX file, through the guard, recorded. The caller sends
    (or moves) `path` and deletes it afterwards."""
    spec = check_records(actor=actor, kind=kind, site=site, purpose=purpose, include_sensitive=include_sensitive)
    columns = [c for c in spec.columns if include_sensitive or not c.sensitive]
    keys = [c.key for c in columns]
    headers = [str(c.label) for c in columns]
    if not spec.personal:
        path, count = _write(fmt, headers, _rows(spec, columns, actor, site, include_sensitive, None), keys=keys)
        sha256, size = _digest(path)
        details = {"export": kind, "format": fmt, "rows": count, "sha256": sha256, "size": size}
        with transaction.atomic():
            audit.record(
                actor,
                "export.records",
                site,
                changes={**details, "fields": keys, "purpose": purpose.strip()},
                object_ref=f"{site.code}-export",
            )
    else:
        path, count, sha256, size = _write_disclosed(
            spec, columns, actor, site, fmt, purpose, include_sensitive, recipient
        )
    name = f"{kind}-{site.code}-{today():%Y%m%d}.{fmt}"
    return ExportedFile(path, name, CONTENT_TYPES[fmt], count, sha256, size)


def _rows(
    spec: RecordExport, columns: list[Column], actor: Actor, site: Site, sensitive: bool, disclosed: Disclosed | None
) -> Iterator[list[Any]]:
    """The file's rows, in order; each row's persons go to `disclosed` as it is written."""
    for row, obj in enumerate(spec.rows(actor, site, sensitive), start=2):
        if disclosed is not None and spec.subjects is not None:
            disclosed.add(row, spec.subjects(obj))
        yield [c.value(obj) for c in columns]


def _write_disclosed(
    spec: RecordExport,
    columns: list[Column],
    actor: Actor,
    site: Site,
    fmt: str,
    purpose: str,
    sensitive: bool,
    recipient: Recipient | None,
) -> tuple[Path, int, str, int]:
    """A record export of personal data: its rows written while the guard assesses and records
    their persons (`disclosing`); the file is deleted if the guard refuses it."""
    keys = [c.key for c in columns]
    written: list[Path] = []
    try:
        with disclosing(
            actor,
            recipient,
            keys,
            purpose,
            site=site,
            kind=spec.name,
            fmt=fmt,
            sensitive_fields=[c.key for c in columns if c.sensitive],
        ) as disclosed:
            path, count = _write(
                fmt, [str(c.label) for c in columns], _rows(spec, columns, actor, site, sensitive, disclosed), keys=keys
            )
            written.append(path)
            sha256, size = _digest(path)
            disclosed.details.update(
                {"export": spec.name, "format": fmt, "rows": count, "sha256": sha256, "size": size}
            )
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return path, count, sha256, size


def _subject(p: Person) -> DisclosureSubject:
    return DisclosureSubject(
        reference=p.reference, country_of_origin=_str(p.country_of_origin), nationality=_str(p.nationality)
    )


class PersonSubject(NamedTuple):
    """What the sharing rules read about one exported person (their `Subject`), in the values
    `DisclosureSubject` would hold, kept small: a register export holds one per row until the
    guard has decided, and a `DisclosureSubject` makes two sets of its own per person."""

    reference: str
    country_of_origin: str
    nationality: str
    former_habitual_residence: str = ""
    risk_countries: frozenset[str] = frozenset()
    submitted_to_countries: frozenset[str] = frozenset()


def _person_subject(row: dict[str, Any]) -> PersonSubject:
    return PersonSubject(row["reference"], country(_str(row["country_of_origin"])), country(_str(row["nationality"])))


PERSON_VALUES = (
    "pk",
    "reference",
    "given_name",
    "fathers_name",
    "family_name",
    "given_name_original",
    "fathers_name_original",
    "family_name_original",
    "sex",
    "date_of_birth",
    "dob_precision",
    "nationality",
    "country_of_origin",
    "stateless",
    "languages",
    "registered_on",
    "presence",
    "unit__name",
    "unit__parent__name",
)


def _persons(actor: Actor, site: Site, sensitive: bool) -> Iterator[dict[str, Any]]:
    """The site's persons as plain rows (one query, read in chunks: no model per row), with
    their current household, their specific needs and, if asked, their sensitive profile."""
    current = Membership.objects.filter(person=OuterRef("pk"), ended_on__isnull=True)
    fields = list(PERSON_VALUES)
    if sensitive:
        fields += [f"sensitive__{f}" for f in SensitiveProfile.FIELDS]
    rows = (
        Person.objects.filter(site=site)
        .annotate(
            household_reference=Subquery(current.values("household__reference")[:1]),
            relationship=Subquery(current.values("relationship")[:1]),
        )
        .order_by("reference")
        .values(*fields, "household_reference", "relationship")
    )
    needs = SpecificNeed.objects.filter(person__site=site)
    if not sensitive:
        needs = needs.filter(code__restricted=False)
    # Read beside the persons, in the same order (a merge): nothing is kept per person.
    codes = needs.order_by("person__reference", "code_id").values_list("person_id", "code_id")
    pending = iter(codes.iterator(chunk_size=5000))
    head = next(pending, None)
    for row in rows.iterator(chunk_size=5000):
        mine = []
        while head is not None and head[0] == row["pk"]:
            mine.append(head[1])
            head = next(pending, None)
        row["specific_needs"] = " ".join(mine)
        yield row


def _sensitive(name: str) -> Callable[[dict[str, Any]], Any]:
    key = f"sensitive__{name}"

    def value(p: dict[str, Any]) -> Any:
        return p.get(key)

    return value


def _str(v: Any) -> Any:
    return "" if v is None else str(v)


SENSITIVE_LABELS = {
    "religion": _l("Religion"),
    "ethnicity": _l("Ethnicity"),
    "political_profile": _l("Political profile"),
    "medical_notes": _l("Medical notes"),
    "torture_survivor": _l("Torture survivor"),
}
assert set(SENSITIVE_LABELS) == set(SensitiveProfile.FIELDS), "every sensitive field has its header"


def _field(name: str, text: bool = False) -> Callable[[dict[str, Any]], Any]:
    if text:
        return lambda p: _str(p[name])
    return lambda p: p[name]


PERSON_COLUMNS: tuple[Column, ...] = (
    Column("reference", _l("Reference"), _field("reference")),
    Column("household", _l("Household"), _field("household_reference")),
    Column("relationship", _l("Relationship to principal applicant"), _field("relationship")),
    Column("given_name", _l("Given name"), _field("given_name")),
    Column("fathers_name", _l("Father's name"), _field("fathers_name")),
    Column("family_name", _l("Family name"), _field("family_name")),
    Column("given_name_original", _l("Given name (original script)"), _field("given_name_original")),
    Column("fathers_name_original", _l("Father's name (original script)"), _field("fathers_name_original")),
    Column("family_name_original", _l("Family name (original script)"), _field("family_name_original")),
    Column("sex", _l("Sex"), _field("sex")),
    Column("date_of_birth", _l("Date of birth"), _field("date_of_birth", text=True)),
    Column("dob_precision", _l("Precision of the date of birth"), _field("dob_precision")),
    Column("nationality", _l("Nationality"), _field("nationality", text=True)),
    Column("country_of_origin", _l("Country of origin"), _field("country_of_origin", text=True)),
    Column("stateless", _l("Stateless"), _field("stateless")),
    Column("languages", _l("Languages"), _field("languages")),
    Column("registered_on", _l("Registered on"), _field("registered_on", text=True)),
    Column("presence", _l("Presence"), _field("presence")),
    Column("block", _l("Block"), lambda p: p["unit__parent__name"] or ""),
    Column("unit", _l("Unit"), lambda p: p["unit__name"] or ""),
    Column("specific_needs", _l("Specific needs"), _field("specific_needs")),
    *(Column(f, label, _sensitive(f), sensitive=True) for f, label in SENSITIVE_LABELS.items()),
)

register_export(
    RecordExport(
        name="persons",
        label=gettext_lazy("Persons"),
        read_permission="registry.view_person",
        columns=PERSON_COLUMNS,
        rows=_persons,
        subjects=lambda p: [_person_subject(p)],
        count=lambda site: Person.objects.filter(site=site).count(),
    )
)


def _households(actor: Actor, site: Site, sensitive: bool) -> Iterator[Household]:
    members = Membership.objects.filter(ended_on__isnull=True).select_related("person")
    return (
        Household.objects.filter(site=site)
        .select_related("unit__parent")
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="current"))
        .order_by("reference")
        .iterator(chunk_size=2000)
    )


def _current(h: Household) -> list[Membership]:
    return getattr(h, "current", [])  # prefetched by _households


def _principal(h: Household) -> str:
    return next((m.person.reference for m in _current(h) if m.relationship == "PA"), "")


register_export(
    RecordExport(
        name="households",
        label=gettext_lazy("Households"),
        read_permission="registry.view_household",
        columns=(
            Column("reference", _l("Reference"), lambda h: h.reference),
            Column("block", _l("Block"), lambda h: h.unit.parent.name if h.unit and h.unit.parent else ""),
            Column("unit", _l("Unit"), lambda h: h.unit.name if h.unit else ""),
            Column("arrival_date", _l("Arrival date"), lambda h: _str(h.arrival_date)),
            Column("closed_on", _l("Closed on"), lambda h: _str(h.closed_on)),
            Column("principal_applicant", _l("Principal applicant"), _principal),
            Column("members", _l("Members"), lambda h: " ".join(m.person.reference for m in _current(h))),
            Column("size", _l("Size"), lambda h: len(_current(h))),
        ),
        rows=_households,
        subjects=lambda h: [_subject(m.person) for m in _current(h)],
        count=lambda site: Household.objects.filter(site=site).count(),
    )
)


def _incidents(actor: Actor, site: Site, sensitive: bool):
    from asylon.incidents.models import Incident

    return Incident.objects.filter(site=site).select_related("location").order_by("occurred_at", "pk").iterator()


def _incident_count(site: Site) -> int:
    from asylon.incidents.models import Incident

    return Incident.objects.filter(site=site).count()


register_export(
    # Incident rows name no one (affected persons, narratives and perpetrators stay out, D4).
    RecordExport(
        name="incidents",
        label=gettext_lazy("Incidents"),
        read_permission="incidents.view_incident",
        columns=(
            Column("reference", _l("Reference"), lambda i: i.reference),
            Column("kind", _l("Type"), lambda i: i.kind),
            Column("occurred_at", _l("When"), lambda i: i.occurred_at.isoformat()),
            Column("occurred_precision", _l("How precise is the time"), lambda i: i.occurred_precision),
            Column("location", _l("Where"), lambda i: str(i.location) if i.location else ""),
            Column("severity", _l("Severity"), lambda i: i.severity),
            Column("verification", _l("Verification"), lambda i: i.verification),
            Column("perpetrator_category", _l("Perpetrator"), lambda i: i.perpetrator_category),
            Column("killed", _l("Killed"), lambda i: i.killed),
            Column("injured", _l("Injured"), lambda i: i.injured),
            Column("missing", _l("Missing"), lambda i: i.missing),
            Column("detained", _l("Detained"), lambda i: i.detained),
            Column("status", _l("Status"), lambda i: i.status),
        ),
        rows=_incidents,
        count=lambda site: _incident_count(site),
    )
)


# --- aggregate exports with HXL ---------------------------------------------------------


@dataclass(frozen=True)
class AggregateExport:
    """A disclosure-controlled table with its HXL hashtag row. `table(actor, site)` returns
    (headers, hashtags, rows) with None for a hidden figure."""

    name: str
    label: Any
    report_kind: str
    table: Callable[[Any, Site], tuple[list[str], list[str], list[list[Any]]]]
    permissions: tuple[str, ...] = ("reports.view_statistics",)
    extra: dict[str, Any] = field(default_factory=dict)


AGGREGATE_EXPORTS: dict[str, AggregateExport] = {}


def register_aggregate(spec: AggregateExport) -> AggregateExport:
    AGGREGATE_EXPORTS[spec.name] = spec
    return spec


def export_aggregate(*, actor: Actor, kind: str, site: Site, fmt: str) -> ExportedFile:
    """An aggregate table with HXL hashtags, small cells hidden, recorded as a report."""
    spec = AGGREGATE_EXPORTS.get(kind)
    if spec is None:
        raise InvalidInput({"kind": [_("Unknown export %(k)r.") % {"k": kind}]})
    for perm in spec.permissions:
        ensure(actor, perm, site)
    headers, tags, rows = spec.table(actor, site)
    path, count = _write(fmt, headers, rows, hxl=tags)
    content = path.read_bytes()
    report_services.record_report(
        actor=actor, kind=spec.report_kind, site=site, period_start=None, period_end=today(), content=content
    )
    sha256 = hashlib.sha256(content).hexdigest()
    name = f"{kind}-{site.code}-{today():%Y%m%d}.{fmt}"
    return ExportedFile(path, name, CONTENT_TYPES[fmt], count, sha256, len(content))


def _site_columns(site: Site) -> tuple[list[str], list[str], list[Any]]:
    return (
        [_("Reporting date"), _("Camp code"), _("Camp name")],
        ["#date+reported", "#loc+camp+code", "#loc+camp+name"],
        [today().isoformat(), site.code, site.name],
    )


def households_by_block(actor: Actor, site: Site) -> tuple[list[str], list[str], list[list[Any]]]:
    """Current households and present persons per block, by sex; small cells hidden."""
    persons = (
        Person.objects.filter(site=site, presence="PRESENT", memberships__ended_on__isnull=True)
        .values_list("unit__parent__name", "sex")
        .iterator(chunk_size=5000)
    )
    by_block: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for block, sex in persons:
        by_block[block or _("no block")][statistics.SEX_COLUMNS.index(statistics.sex_column(sex))] += 1
    households = Counter(
        b or _("no block")
        for b in Household.objects.filter(site=site, closed_on__isnull=True).values_list(
            "unit__parent__name", flat=True
        )
    )
    blocks = sorted(set(by_block) | set(households))
    table = protect_table(
        blocks,
        statistics.sex_labels(),
        [by_block[b] for b in blocks],
        threshold=statistics.threshold(),
        zeros_safe=statistics.zeros_safe(),
    )
    hh = protect_vector(
        blocks, [households[b] for b in blocks], threshold=statistics.threshold(), zeros_safe=statistics.zeros_safe()
    )
    head, tags, site_values = _site_columns(site)
    headers = [*head, _("Block"), _("Households"), _("Persons"), _("Female"), _("Male"), _("Other or unknown sex")]
    hashtags = [
        *tags,
        "#loc+name",
        "#population+hh",
        "#population+total",
        "#population+f",
        "#population+m",
        "#population+sex_other",
    ]
    rows = [[*site_values, block, hh.values[i], table.row_totals[i], *table.cells[i]] for i, block in enumerate(blocks)]
    return headers, hashtags, rows


def incidents_by_month(actor: Actor, site: Site) -> tuple[list[str], list[str], list[list[Any]]]:
    """Incidents per month and type with the people they harmed. Incident counts are events and
    are published; counts of people below the threshold are hidden (no totals are published
    beside them, so primary suppression suffices)."""
    from asylon.incidents.models import Incident

    rows_by_key: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for occurred, kind, killed, injured, missing, detained in Incident.objects.filter(site=site).values_list(
        "occurred_at", "kind", "killed", "injured", "missing", "detained"
    ):
        counts = rows_by_key[(f"{occurred:%Y-%m}", kind)]
        for i, n in enumerate((1, killed, injured, missing, detained)):
            counts[i] += n
    limit, zeros = statistics.threshold(), statistics.zeros_safe()

    def shown(n: int) -> int | None:
        return None if (0 < n < limit or (n == 0 and not zeros)) else n

    head, tags, site_values = _site_columns(site)
    headers = [
        *head,
        _("Month"),
        _("Incident type"),
        _("Incidents"),
        _("Killed"),
        _("Injured"),
        _("Missing"),
        _("Detained"),
    ]
    hashtags = [
        *tags,
        "#date+start",
        "#event+type",
        "#x_incidents",
        "#affected+killed",
        "#affected+injured",
        "#affected+missing",
        "#affected+detained",
    ]
    rows = [
        [*site_values, month, kind, c[0], *(shown(n) for n in c[1:])]
        for (month, kind), c in sorted(rows_by_key.items())
    ]
    return headers, hashtags, rows


register_aggregate(
    AggregateExport(
        "households-by-block",
        gettext_lazy("Households by block (HXL)"),
        ReportKind.HOUSEHOLDS_BY_BLOCK,
        households_by_block,
    )
)
register_aggregate(
    AggregateExport(
        "incidents-by-month",
        gettext_lazy("Incidents by month and type (HXL)"),
        ReportKind.INCIDENTS_BY_MONTH,
        incidents_by_month,
        permissions=("reports.view_statistics", "incidents.view_incident"),
    )
)


def exports_for(actor: Actor, site: Site) -> tuple[list[RecordExport], list[AggregateExport]]:
    """The exports this actor may take for a site (for pages)."""
    records = [
        s
        for s in RECORD_EXPORTS.values()
        if can(actor, "reports.export_personal_data", site) and can(actor, s.read_permission, site)
    ]
    aggregates = [s for s in AGGREGATE_EXPORTS.values() if all(can(actor, p, site) for p in s.permissions)]
    return records, aggregates
