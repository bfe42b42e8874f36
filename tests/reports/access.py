from tests.access_matrix import Entry, having

STATISTICS = having("reports.view_statistics")

ROUTES = {
    "page:reports:statistics": Entry(STATISTICS),
    "page:reports:statistics_csv": Entry(STATISTICS),
    "page:reports:cases_csv": Entry(STATISTICS),
    "page:reports:statistics_chart": Entry(STATISTICS, params={"kind": "chart_kind"}),
    "page:reports:sitrep": Entry(having("reports.generate_sitrep")),
    "api:GET /api/v1/statistics/population": Entry(STATISTICS),
    "api:GET /api/v1/statistics/cases": Entry(STATISTICS),
}

# Imports and exports.
IMPORT = having("reports.import_registrations")
RUN = {"pk": "import_run.pk"}
ROUTES |= {
    "page:imports:list": Entry(IMPORT),
    "page:imports:upload": Entry(IMPORT, method="POST", body=lambda w: {"site": w.site_a.code}),
    "page:imports:run": Entry(IMPORT, params=RUN),
    "page:imports:progress": Entry(IMPORT, params=RUN),
    "page:imports:confirm": Entry(IMPORT, method="POST", params=RUN),
    "page:reports:exports": Entry(having("reports.export_personal_data") | STATISTICS),
}

# Who received whom: the personal-data exports, read by the roles that read the audit trail.
TRAIL = having("audit.view_audit_trail")
EXPORT = {"pk": "personal_data_export.pk"}
ROUTES |= {
    "api:GET /api/v1/personal-data-exports": Entry(TRAIL),
    "api:GET /api/v1/personal-data-exports/{pk}": Entry(TRAIL, params=EXPORT),
    "api:GET /api/v1/personal-data-exports/{pk}/persons": Entry(TRAIL, params=EXPORT),
}


def build_world(world):
    """A dry run of a small file in site A, its file kept for the confirmation; a chart of the
    statistics page to ask for."""
    world.chart_kind = "pyramid"
    import shutil
    from pathlib import Path

    from django.conf import settings

    from asylon.reports.imports.services import file_digest, import_registrations

    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "matrix-source.csv"
    source.write_text("Relationship,Given name,Sex\nPA,Matrix,F\n", encoding="utf-8")
    sha, _size = file_digest(source)
    shutil.copy(source, folder / f"{sha}.csv")
    from asylon.reports import exports
    from asylon.reports.models import PersonalDataExport

    made = exports.export_records(
        actor=world.users["protection_officer"], kind="persons", site=world.site_a, fmt="csv", purpose="Matrix"
    )
    made.path.unlink()
    world.personal_data_export = PersonalDataExport.objects.filter(site=world.site_a).latest("pk")
    world.import_run = import_registrations(
        actor=world.users["registration_clerk"], site=world.site_a, path=folder / f"{sha}.csv", file_name="m.csv"
    )
