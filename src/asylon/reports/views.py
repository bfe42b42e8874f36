"""Statistics and situation-report pages: parse, call a query or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from asylon.core.edges import errors_onto, or_404
from asylon.core.errors import InvalidInput
from asylon.core.types import AuthedRequest
from asylon.registry.queries import sites_for

from . import hxl, services, sitrep, statistics
from .forms import SitrepForm, StatisticsForm
from .models import ReportKind


def _sites_or_404(request: AuthedRequest, perm: str):
    sites = list(statistics.sites_with_statistics(request.user))
    if not sites or not request.user.has_perm(perm):
        raise Http404
    return sites


def _figures(request: AuthedRequest, sites: list) -> tuple[StatisticsForm, dict]:
    """The statistics form and, when it is valid, the (cached) figures it asks for."""
    may_internal = request.user.has_perm("reports.view_unsuppressed_statistics")
    data = request.GET if "site" in request.GET else {"site": sites[0].code}
    form = StatisticsForm(data, sites=sites, may_see_internal=may_internal)
    if not form.is_valid():
        return form, {}
    site = next(s for s in sites if s.code == form.cleaned_data["site"])
    internal = bool(form.cleaned_data.get("internal"))
    on, start = form.cleaned_data["on"], form.cleaned_data["start"]
    stats = or_404(statistics.population_statistics, request.user, site=site, on=on, internal=internal)
    series = or_404(statistics.time_series, request.user, site=site, start=min(start, on), end=on, internal=internal)
    query = {"site": site.code, "on": on.isoformat(), "start": start.isoformat()}
    if internal:
        query["internal"] = "on"
    return form, {"site": site, "on": on, "stats": stats, "series": series, "query": query}


@login_required
@require_GET
def statistics_page(request: AuthedRequest) -> HttpResponse:
    sites = _sites_or_404(request, "reports.view_statistics")
    form, figures = _figures(request, sites)
    context: dict = {"form": form, "may_sitrep": request.user.has_perm("reports.generate_sitrep")}
    if figures:
        # The charts are files of their own, drawn once per data version (the version is in
        # their address, so a browser keeps them until the figures change).
        seq, head = statistics.data_version()
        chart_query = urlencode(figures["query"] | {"v": f"{seq}-{head[:12]}"})
        context.update(
            stats=figures["stats"],
            series=figures["series"],
            pyramid=f"{reverse('reports:statistics_chart', args=['pyramid'])}?{chart_query}",
            monthly=f"{reverse('reports:statistics_chart', args=['monthly'])}?{chart_query}",
            csv_query=f"site={figures['site'].code}&on={figures['on'].isoformat()}",
            cases_query=urlencode({k: v for k, v in figures["query"].items() if k != "internal"}),
            cases=statistics.case_statistics(
                request.user, site=figures["site"], on=figures["on"], start=figures["series"].start
            ),
        )
    return render(request, "reports/statistics.html", context)


@login_required
@require_GET
def statistics_chart(request: AuthedRequest, kind: str) -> HttpResponse:
    """A chart of the statistics page, as SVG (`charts` keeps it per version of its figures)."""
    from . import charts  # matplotlib: loaded by the first chart, not by every process (issue 24)

    sites = _sites_or_404(request, "reports.view_statistics")
    if kind not in ("pyramid", "monthly"):
        raise Http404
    _form, figures = _figures(request, sites)
    if not figures:
        raise Http404
    stats, series = figures["stats"], figures["series"]
    if kind == "pyramid":
        svg = charts.pyramid_svg(stats.age_sex)
    else:
        svg = charts.monthly_svg(series.months, series.arrivals, series.departures)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _published_csv(request: AuthedRequest, name: str, table) -> HttpResponse:
    """A published table as CSV (always disclosure-controlled), recorded as a report.

    `table(site, on, start)` gives the CSV text and the start of the period it covers (None for
    a table of one day)."""
    sites = _sites_or_404(request, "reports.view_statistics")
    data = request.GET if "site" in request.GET else {"site": sites[0].code}
    form = StatisticsForm(data, sites=sites, may_see_internal=False)
    if not form.is_valid():
        return HttpResponseBadRequest("; ".join(f"{f}: {' '.join(str(m) for m in e)}" for f, e in form.errors.items()))
    site = next(s for s in sites if s.code == form.cleaned_data["site"])
    on, start = form.cleaned_data["on"], min(form.cleaned_data["start"], form.cleaned_data["on"])
    text, period_start = table(site, on, start)
    body = text.encode()
    services.record_report(
        actor=request.user,
        kind=ReportKind.STATISTICS_CSV,
        site=site,
        period_start=period_start,
        period_end=on,
        content=body,
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{site.code}-{on:%Y%m%d}.csv"'
    return response


@login_required
@require_GET
def statistics_csv(request: AuthedRequest) -> HttpResponse:
    """The published population table on one day."""

    def table(site, on, _start):
        return hxl.population_csv(statistics.population_statistics(request.user, site=site, on=on)), None

    return _published_csv(request, "population", table)


@login_required
@require_GET
def cases_csv(request: AuthedRequest) -> HttpResponse:
    """The published protection-case figures: open on a day, opened and closed in the period."""

    def table(site, on, start):
        return hxl.cases_csv(statistics.case_statistics(request.user, site=site, on=on, start=start)), start

    return _published_csv(request, "cases", table)


@login_required
@require_http_methods(["GET", "POST"])
def sitrep_page(request: AuthedRequest) -> HttpResponse:
    sites = _sites_or_404(request, "reports.generate_sitrep")
    may_annex = request.user.has_perm("reports.generate_sitrep_annex")
    form = SitrepForm(request.POST or None, sites=sites, may_annex=may_annex)
    if request.method == "POST" and form.is_valid():
        site = next(s for s in sites if s.code == form.cleaned_data["site"])
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        if start > end:
            form.add_error("end", InvalidInput({"end": ["The period ends before it starts."]}).errors["end"][0])
        else:
            # Every report is made on the queue, small or large: one path (its page shows
            # the progress, then the download).
            job = or_404(
                sitrep.start_sitrep,
                request.user,
                site=site,
                start=start,
                end=end,
                annex=bool(form.cleaned_data.get("annex")),
                language=get_language() or "",
            )
            return redirect("jobs:job", pk=job.pk)
    return render(request, "reports/sitrep_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def exports_page(request: AuthedRequest) -> HttpResponse:
    """Record exports (internal use, through the data-sharing guard) and HXL aggregates."""
    from . import export_jobs, exports
    from .forms import ExportForm

    sites = [s for s in sites_for(request.user) if any(exports.exports_for(request.user, s))]
    if not sites:
        raise Http404
    records, aggregates = exports.exports_for(request.user, sites[0])
    kinds = [(s.name, str(s.label)) for s in records] + [(s.name, str(s.label)) for s in aggregates]
    may_sensitive = request.user.has_perm("registry.view_sensitive")
    form = ExportForm(request.POST or None, sites=sites, kinds=kinds, may_sensitive=may_sensitive)
    if request.method == "POST" and form.is_valid():
        site = next(s for s in sites if s.code == form.cleaned_data["site"])
        kind, fmt = form.cleaned_data["kind"], form.cleaned_data["format"]
        if export_jobs.queued(kind, site):  # a large register: made on the queue, its page shows it
            with errors_onto(form) as outcome:
                job = export_jobs.start_export(
                    actor=request.user,
                    kind=kind,
                    site=site,
                    fmt=fmt,
                    purpose=form.cleaned_data["purpose"],
                    include_sensitive=bool(form.cleaned_data.get("sensitive")),
                    language=get_language() or "",
                )
            if outcome.ok:
                return redirect("jobs:job", pk=job.pk)
        else:
            with errors_onto(form) as outcome:
                if kind in exports.AGGREGATE_EXPORTS:
                    result = exports.export_aggregate(actor=request.user, kind=kind, site=site, fmt=fmt)
                else:
                    result = exports.export_records(
                        actor=request.user,
                        kind=kind,
                        site=site,
                        fmt=fmt,
                        purpose=form.cleaned_data["purpose"],
                        include_sensitive=bool(form.cleaned_data.get("sensitive")),
                    )
            if outcome.ok:
                body = result.path.read_bytes()
                result.path.unlink(missing_ok=True)
                response = HttpResponse(body, content_type=result.content_type)
                response["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
                return response
    context = {"form": form, "records": records, "aggregates": aggregates}
    return render(request, "reports/exports.html", context, status=422 if form.errors else 200)
