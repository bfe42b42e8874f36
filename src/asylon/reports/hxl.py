"""The published population table as CSV with the HXL hashtag row (DOMAIN.md 10).

Aggregates only, after disclosure control; a hidden figure is an empty cell. One row per site
and reporting date, in the shape of UNHCR's population statistics (f_0_4 ... m_60).
"""

from __future__ import annotations

import csv
import io

from .statistics import CaseStatistics, Statistics

AGE_TAGS = {
    "0-4": "+infants+age0_4",
    "5-11": "+children+age5_11",
    "12-17": "+adolescents+age12_17",
    "18-59": "+adults+age18_59",
    "60+": "+elderly+age60_",
}


def population_csv(stats: Statistics) -> str:
    table = stats.age_sex
    headers = [
        ("Reporting date", "#date+reported", stats.on.isoformat()),
        ("Country of asylum", "#country+code+v_iso3+asylum", stats.site.host_country.alpha3),
        ("Camp code", "#loc+camp+code", stats.site.code),
        ("Camp name", "#loc+camp+name", stats.site.name),
        ("Population", "#population+total", stats.total),
        ("Households", "#population+hh", stats.households),
        ("Female", "#population+f", table.col_totals[0]),
        ("Male", "#population+m", table.col_totals[1]),
        ("Other or unknown sex", "#population+sex_other", table.col_totals[2]),
    ]
    for i, bracket in enumerate(table.row_labels[: len(AGE_TAGS)]):
        tag = AGE_TAGS[list(AGE_TAGS)[i]]
        headers.append((f"Female {bracket}", f"#population+f{tag}", table.cells[i][0]))
        headers.append((f"Male {bracket}", f"#population+m{tag}", table.cells[i][1]))
    unknown = len(AGE_TAGS)
    headers += [
        ("Female, age unknown", "#population+f+age_unknown", table.cells[unknown][0]),
        ("Male, age unknown", "#population+m+age_unknown", table.cells[unknown][1]),
        ("Age unknown", "#population+age_unknown", table.row_totals[unknown]),
        ("Age from estimated date of birth", "#population+age_estimated", stats.estimated_dob),
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, _t, _v in headers])
    writer.writerow([t for _h, t, _v in headers])
    writer.writerow(["" if v is None else v for _h, _t, v in headers])
    return out.getvalue()


def cases_csv(cases: CaseStatistics) -> str:
    """The published protection-case figures of a site, one row (see `statistics.case_statistics`):
    violence and torture only in columns of their own, outside every total."""
    headers: list[tuple[str, str, object]] = [
        ("Reporting date", "#date+reported", cases.on.isoformat()),
        ("Period start", "#date+start", cases.start.isoformat()),
        ("Country of asylum", "#country+code+v_iso3+asylum", cases.site.host_country.alpha3),
        ("Camp code", "#loc+camp+code", cases.site.code),
        ("Open cases (other than violence and torture)", "#indicator+cases+open+total", cases.by_type.total),
    ]
    for key, label, value in zip(cases.by_type.keys, cases.by_type.labels, cases.by_type.values, strict=True):
        headers.append((f"Open: {label}", f"#indicator+cases+open+type_{key.lower()}", value))
    for key, label, value in zip(cases.by_risk.keys, cases.by_risk.labels, cases.by_risk.values, strict=True):
        headers.append((f"Open, risk {label}", f"#indicator+cases+open+risk_{key.lower()}", value))
    headers += [
        ("Opened in the period", "#indicator+cases+opened", cases.opened),
        ("Closed in the period", "#indicator+cases+closed", cases.closed),
    ]
    for key, label, value in zip(cases.sensitive.keys, cases.sensitive.labels, cases.sensitive.values, strict=True):
        headers.append(
            (f"Open: {label} (shown at the threshold or above)", f"#indicator+cases+open+type_{key.lower()}", value)
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for h, _t, _v in headers])
    writer.writerow([t for _h, t, _v in headers])
    writer.writerow(["" if v is None else v for _h, _t, v in headers])
    return out.getvalue()
