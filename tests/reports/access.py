from tests.access_matrix import Entry, having

STATISTICS = having("reports.view_statistics")

ROUTES = {
    "page:reports:statistics": Entry(STATISTICS),
    "page:reports:statistics_csv": Entry(STATISTICS),
    "page:reports:sitrep": Entry(having("reports.generate_sitrep")),
    "api:GET /api/v1/statistics/population": Entry(STATISTICS),
}
