"""The situation report: a PDF for the bodies that protect the camp (WeasyPrint from HTML).

Sections, each with data or an explicit "no data recorded for this period": population and
pyramid; legal status; incidents of the period with a timeline; roll calls; protection cases
(the statistics page's figures, `statistics.case_statistics`); resettlement progress and the
emptying projection; safeguard refusals (counts only). Each section reads
the query function of the app that owns its data (`reports` sits above incidents, movements,
solutions and status, and imports them directly: a missing one fails loudly). Every figure is
disclosure-controlled: the report leaves the system (D5). It names no one, unless a protection
officer asks for the annex; the annex, like every report, is recorded and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asylon.core import jobs
from asylon.core.dates import age_on
from asylon.core.errors import InvalidInput
from asylon.core.i18n import Digits, digit_system
from asylon.core.models import Job
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.incidents.queries import incidents_in_period, roll_calls_in_period
from asylon.movements.queries import safeguard_refusals_in_period
from asylon.registry.models import Person, Presence, Site
from asylon.solutions.queries import resettlement_in_period

from . import services, statistics
from .disclosure import PublishedVector, protect_vector
from .models import ReportKind, ReportRun

SECTIONS = ("population", "legal_status", "incidents", "roll_calls", "cases", "resettlement", "safeguards")
ANNEX_PRESENCE = (Presence.MISSING, Presence.DETAINED, Presence.HOSPITALISED)
CASUALTIES = ("killed", "injured", "missing", "detained")


def parse_period(text: str) -> tuple[date, date]:
    """'2013-01-01:2013-03-31' -> (start, end)."""
    try:
        first, last = text.split(":")
        start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
    except ValueError as exc:
        raise InvalidInput({"period": [_("Give the period as START:END, e.g. 2013-01-01:2013-03-31.")]}) from exc
    if start > end:
        raise InvalidInput({"period": [_("The period ends before it starts.")]})
    return start, end


def _protect(labels: list[str], values: list[int], *, with_total: bool = True) -> PublishedVector:
    return protect_vector(
        labels,
        values,
        threshold=statistics.threshold(),
        zeros_safe=statistics.zeros_safe(),
        with_total=with_total,
    )


@dataclass
class Section:
    key: str
    title: str
    available: bool  # data recorded for this period
    data: Any = None


def _incidents(actor: Actor, site, start, end) -> Section:
    title = _("Incidents of the period")
    rows = incidents_in_period(actor=actor, site=site, start=start, end=end)
    if not rows:
        return Section("incidents", title, False)
    labels = [f"{r.occurred_on:%Y-%m-%d} {r.label}" for r in rows]
    columns = {key: _protect(labels, [getattr(r, key) for r in rows]) for key in CASUALTIES}
    timeline = [
        {"date": r.occurred_on, "type": r.label, "severity": r.severity, **{k: columns[k].values[i] for k in columns}}
        for i, r in enumerate(rows)
    ]
    totals = {k: v.total for k, v in columns.items()}
    return Section("incidents", title, True, {"timeline": timeline, "totals": totals, "count": len(rows)})


def _roll_calls(actor: Actor, site, start, end) -> Section:
    title = _("Roll calls")
    tallies = roll_calls_in_period(actor=actor, site=site, start=start, end=end)
    if not tallies:
        return Section("roll_calls", title, False)
    calls = []
    for tally in tallies:
        labelled = tally.labelled()
        results = _protect([label for label, _n in labelled], [n for _label, n in labelled])
        calls.append({"started_on": tally.started_on, "closed": tally.closed, "results": results})
    return Section("roll_calls", title, True, calls)


def _cases(actor: Actor, site, start, end) -> Section:
    title = _("Protection cases")
    cases = statistics.case_statistics(actor, site=site, on=end, start=start)
    # Whether there is anything to show is read from the published figures alone: a section
    # left out because the only cases are of violence or torture would give them away.
    published = [
        *cases.by_type.values,
        *cases.sensitive.values,
        cases.by_type.total,
        cases.opened,
        cases.closed,
    ]
    return Section("cases", title, any(published), cases)


def _resettlement(actor: Actor, site, start, end) -> Section:
    title = _("Resettlement and the emptying of the site")
    figures = resettlement_in_period(actor=actor, site=site, start=start, end=end)
    stages = [(label, n) for _stage, label, n in figures.by_stage]
    if not any(n for _label, n in stages) and not figures.departed_in_period:
        return Section("resettlement", title, False)
    return Section(
        "resettlement",
        title,
        True,
        {
            "stages": _protect([label for label, _n in stages], [n for _label, n in stages]),
            "departed_in_period": statistics_figure(figures.departed_in_period),
            "projection": figures.projection,
        },
    )


def _safeguards(actor: Actor, site, start, end) -> Section:
    title = _("Safeguard refusals")
    refusals = safeguard_refusals_in_period(actor=actor, site=site, start=start, end=end)
    if not refusals.refusals:
        return Section("safeguards", title, False)
    # A refused step may be blocked by several rules: the rules' rows do not add up to a total.
    by_rule = _protect(
        [f"{r.rule} {r.label}" for r in refusals.by_rule], [r.refusals for r in refusals.by_rule], with_total=False
    )
    return Section("safeguards", title, True, {"refusals": statistics_figure(refusals.refusals), "by_rule": by_rule})


def statistics_figure(n: int) -> int | None:
    t = statistics.threshold()
    return None if 0 < n < t or (n == 0 and not statistics.zeros_safe()) else n


def _annex(actor: Actor, site: Site, start: date, end: date) -> list[dict]:
    """Persons a protection body must know by name: not present on the last day, or departed
    in the period. Personal data: only with the annex permission, and audited."""
    departed_on = statistics.departure_days_by_person(actor, site)
    residents = {r.pk: r for r in statistics.residents_on(site, end, departed_on) if r.presence in ANNEX_PRESENCE}
    departed = {
        pk
        for pk, changes in statistics.presence_changes(site, departed_on).items()
        if any(after == Presence.DEPARTED and start <= day <= end for day, _b, after in changes)
    }
    persons = Person.objects.filter(site=site, pk__in=set(residents) | departed).select_related("unit__parent")
    rows = []
    for p in persons.order_by("reference"):
        presence = residents[p.pk].presence if p.pk in residents else Presence.DEPARTED
        rows.append(
            {
                "reference": p.reference,
                "name": p.full_name,
                "name_original": p.full_name_original,
                "sex": p.get_sex_display(),
                "age": age_on(p.date_of_birth, end) if p.date_of_birth else None,
                "block": p.unit.parent.name if p.unit and p.unit.parent else "",
                "presence": Presence(presence).label,
            }
        )
    return rows


def build_context(actor: Actor, *, site: Site, start: date, end: date, annex: bool = False) -> dict[str, Any]:
    from . import charts  # matplotlib: loaded by the first chart, not by every process (issue 24)

    ensure(actor, "reports.generate_sitrep", site)
    if annex:
        ensure(actor, "reports.generate_sitrep_annex", site)
    stats = statistics.population_statistics(actor, site=site, on=end)
    series = statistics.time_series(actor, site=site, start=start, end=end)
    population = Section(
        "population",
        _("Population"),
        stats.total is not None,
        {
            "stats": stats,
            "series": series,
            "pyramid": charts.pyramid_print_uri(stats.age_sex),
            "monthly": charts.monthly_print_uri(series.months, series.arrivals, series.departures),
        },
    )
    legal = Section("legal_status", _("Legal status"), stats.total is not None, stats.legal_status)
    sections = [
        population,
        legal,
        _incidents(actor, site, start, end),
        _roll_calls(actor, site, start, end),
        _cases(actor, site, start, end),
        _resettlement(actor, site, start, end),
        _safeguards(actor, site, start, end),
    ]
    return {
        "site": site,
        "start": start,
        "end": end,
        "generated_at": timezone.now(),
        "generated_by": actor.get_username(),
        "threshold": stats.threshold,
        "sections": sections,
        "annex": _annex(actor, site, start, end) if annex else None,
    }


# The CSS counter style that writes page numbers in the reader's digits.
PAGE_DIGITS: dict[str, str] = {Digits.PERSIAN: "persian", Digits.ARABIC: "arabic-indic"}


# WeasyPrint's images, decoded and compressed once per picture (keyed by its data URI, which is
# the chart's content) and kept for the next report the process makes; a few charts at most.
_IMAGES: dict[str, Any] = {}
IMAGES_KEPT = 64


def render_pdf(context: dict[str, Any]) -> bytes:
    import weasyprint

    html = render_to_string(
        "reports/sitrep.html", context | {"page_digits": PAGE_DIGITS.get(digit_system(), "decimal")}
    )
    if len(_IMAGES) > IMAGES_KEPT:
        _IMAGES.clear()
    return weasyprint.HTML(string=html).write_pdf(cache=_IMAGES)


# What a report's first rendering in a process costs beyond the next ones (WeasyPrint's import,
# fontconfig and Pango loading the fonts at each size, the template's compilation: about as
# much as the report itself) is paid by the worker at its start (tasks.py, `on_start`),
# before anyone waits: it renders the report's own template with invented rows and no data.
SPECIMEN_ROWS = [
    {
        "reference": "SPC-000001",
        "name": "Specimen Row",
        "name_original": "نمونه",
        "sex": "F",
        "age": 34,
        "block": "Block 01",
        "presence": Presence.MISSING,
    },
    {
        "reference": "SPC-000002",
        "name": "Specimen Row",
        "name_original": "",
        "sex": "M",
        "age": None,
        "block": "",
        "presence": Presence.DETAINED,
    },
]


def warm_up() -> None:
    """Render the report's template once, from no data at all (nothing read, nothing recorded)."""
    for name in ("reports/sitrep.html", "reports/_vector.html", "reports/_age_sex.html"):
        get_template(name)
    today = timezone.localdate()
    context = {
        "site": Site(code="SPC", name="Specimen نمونه"),
        "start": today,
        "end": today,
        "generated_at": timezone.now(),
        "generated_by": "worker",
        "threshold": statistics.threshold(),
        "sections": [Section(key, key, False) for key in SECTIONS],
        "annex": SPECIMEN_ROWS,
    }
    render_pdf(context)


def generate_sitrep(
    actor: Actor, *, site: Site, start: date, end: date, annex: bool = False
) -> tuple[bytes, ReportRun]:
    """Build, render and record the situation report. Returns the PDF and its record."""
    context = build_context(actor, site=site, start=start, end=end, annex=annex)
    pdf = render_pdf(context)
    run = services.record_report(
        actor=actor,
        kind=ReportKind.SITREP,
        site=site,
        period_start=start,
        period_end=end,
        content=pdf,
        with_annex=annex,
        annex_persons=[row["reference"] for row in context["annex"] or []],
    )
    return pdf, run


def filename(site: Site, start: date, end: date) -> str:
    return f"sitrep-{site.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"


# --- on the queue: the page enqueues every report (one path, whatever its size) ----------


def start_sitrep(actor: Actor, *, site: Site, start: date, end: date, annex: bool = False, language: str = "") -> Job:
    """Check that `actor` may have this report, record it as a job and enqueue it
    (`reports.tasks.make_sitrep`); the job's page shows its progress, then the download."""
    ensure(actor, "reports.generate_sitrep", site)
    if annex:
        ensure(actor, "reports.generate_sitrep_annex", site)
    if start > end:
        raise InvalidInput({"end": [_("The period ends before it starts.")]})
    from .tasks import make_sitrep

    params = {"site": site.pk, "start": start.isoformat(), "end": end.isoformat(), "annex": annex}
    job = jobs.create(actor=actor, kind="sitrep", params={**params, "language": language}, site_code=site.code)
    jobs.enqueue(job, make_sitrep)
    return job


def sitrep_work(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's work: build, render, store in the data dir and record (audited) the report."""
    params = job.params
    site = Site.objects.get(pk=params["site"])
    start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    with translation.override(params.get("language") or None):
        progress(0, 3, _("gathering the figures"))
        context = build_context(job.actor, site=site, start=start, end=end, annex=bool(params["annex"]))
        progress(1, 3, _("writing the PDF"))
        pdf = render_pdf(context)
    progress(2, 3, _("recording the report"))
    path = jobs.output_path(job, ".pdf")
    path.write_bytes(pdf)
    path.chmod(0o600)
    with transaction.atomic():
        run = services.record_report(
            actor=job.actor,
            kind=ReportKind.SITREP,
            site=site,
            period_start=start,
            period_end=end,
            content=pdf,
            with_annex=bool(params["annex"]),
            annex_persons=[row["reference"] for row in context["annex"] or []],
        )
    return {"file_path": str(path), "file_name": filename(site, start, end), "done": 3, "total": 3, "report": run.pk}
