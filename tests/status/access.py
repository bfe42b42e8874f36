"""Access-matrix entries for legal status: RSD cases, group declarations, site designations."""

from datetime import date

from tests.access_matrix import Entry, having

STATUS = having("status.view_statusentry")
RSD_READ = having("status.view_rsdcase")
RSD_WORK = having("status.change_rsdcase")
RSD_NEW = having("status.add_rsdcase")
DECLARE = having("status.add_groupdeclaration")
DECLARATIONS = having("status.view_groupdeclaration")
DESIGNATIONS = having("status.view_sitedesignationact")
DESIGNATE = having("status.add_sitedesignationact")
CASE = {"reference": "rsd_case.reference"}


def _criteria(w):
    return {
        "site": w.site_a.code,
        "nationality": "IR",
        "cutoff_kind": "REGISTRATION",
        "cutoff_date": "2013-01-01",
        "effective_on": "2013-01-02",
        "legal_basis": "1951_CONV",
        "recognised_by": "UNHCR",
        "legal_basis_text": "Prima facie declaration for the matrix test",
    }


ROUTES = {
    "page:status:person_status": Entry(STATUS, params={"reference": "person.reference"}),
    "page:status:case_list": Entry(RSD_READ),
    "page:status:case_new": Entry(RSD_NEW),
    "page:status:case_detail": Entry(RSD_READ, params=CASE),
    "page:status:case_step": Entry(RSD_WORK, method="POST", params=CASE, body=lambda w: {"action": "schedule"}),
    "page:status:declaration_list": Entry(DECLARATIONS),
    "page:status:declaration_new": Entry(DECLARE),
    "page:status:declaration_detail": Entry(DECLARATIONS, params={"pk": "declaration.pk"}),
    "page:status:declaration_revoke": Entry(
        having("status.revoke_groupdeclaration"),
        method="POST",
        params={"pk": "declaration.pk"},
        body=lambda w: {"reason": ""},
    ),
    "page:status:designations": Entry(DESIGNATIONS),
    "page:status:designation_revoke": Entry(
        having("status.revoke_sitedesignationact"),
        method="POST",
        params={"pk": "designation.pk"},
        body=lambda w: {"reason": ""},
    ),
    "api:GET /api/v1/persons/{reference}/status": Entry(STATUS, params={"reference": "person.reference"}),
    "api:GET /api/v1/persons/{reference}/status-history": Entry(STATUS, params={"reference": "person.reference"}),
    "api:GET /api/v1/rsd-cases": Entry(RSD_READ),
    "api:GET /api/v1/rsd-cases/{reference}": Entry(RSD_READ, params=CASE),
    "api:POST /api/v1/rsd-cases": Entry(RSD_NEW, method="POST", body=lambda w: {"applicant": w.person.reference}),
    "api:POST /api/v1/rsd-cases/{reference}/assign": Entry(
        RSD_WORK, method="POST", params=CASE, body=lambda w: {"officer": "nobody"}
    ),
    "api:POST /api/v1/rsd-cases/{reference}/transitions": Entry(
        RSD_WORK, method="POST", params=CASE, body=lambda w: {"action": "no-such-step"}
    ),
    "api:GET /api/v1/group-declarations": Entry(DECLARATIONS),
    "api:GET /api/v1/group-declarations/{declaration_id}": Entry(
        DECLARATIONS, params={"declaration_id": "declaration.pk"}
    ),
    "api:POST /api/v1/group-declarations/preview": Entry(DECLARE, method="POST", body=_criteria),
    "api:POST /api/v1/group-declarations": Entry(DECLARE, method="POST", body=_criteria),
    "api:POST /api/v1/group-declarations/{declaration_id}/revoke": Entry(
        having("status.revoke_groupdeclaration"),
        method="POST",
        params={"declaration_id": "declaration.pk"},
        body=lambda w: {"reason": ""},
    ),
    "api:GET /api/v1/site-designations": Entry(DESIGNATIONS),
    "api:POST /api/v1/site-designations": Entry(
        DESIGNATE,
        method="POST",
        body=lambda w: {
            "site": w.site_a.code,
            "designation": "REFUGEE_CAMP",
            "effective_on": "2013-02-01",
            "legal_basis_text": "Designated for the matrix test",
        },
    ),
    "api:POST /api/v1/site-designations/{act_id}/revoke": Entry(
        having("status.revoke_sitedesignationact"),
        method="POST",
        params={"act_id": "designation.pk"},
        body=lambda w: {"reason": ""},
    ),
}


def build_world(w):
    from asylon.status import queries, services
    from asylon.status.entries import append_entries

    rsd = w.users["rsd_officer"]
    protection = w.users["protection_officer"]
    w.rsd_case = services.register_rsd_case(actor=rsd, applicant=w.person)
    w.declaration = services.declare_group(
        actor=protection,
        criteria=queries.Criteria(
            site=w.site_a, nationality="IR", cutoff_kind="REGISTRATION", cutoff_date=date(2013, 1, 1)
        ),
        effective_on=date(2013, 1, 2),
        legal_basis="1951_CONV",
        recognised_by="UNHCR",
        legal_basis_text="Prima facie declaration for the matrix test",
    )
    w.designation = services.designate_site(
        actor=protection,
        site=w.site_a,
        designation="REFUGEE_CAMP",
        effective_on=date(2013, 1, 2),
        legal_basis_text="Designated a refugee camp for the matrix test",
    )
    # An ending procedure needs a refugee: the world's person, recognised for the matrix.
    append_entries(
        actor=rsd,
        person_ids=[w.person.pk],
        status="REFUGEE",
        effective_on=date(2013, 1, 3),
        recognised_by="UNHCR",
        determination_mode="INDIVIDUAL",
        legal_basis="1951_CONV",
    )
    w.ending = services.open_ending_procedure(actor=rsd, person=w.person, kind="CESSATION", clause="1C(5)")


# Ending refugee status (DOMAIN 5.3): pages in status/ending_views.py, API in status/ending_api.py.
ENDING_READ = having("status.view_endingprocedure")
ENDING = {"pk": "ending.pk"}
ENDING_API = {"procedure_id": "ending.pk"}
ROUTES |= {
    "page:status:ending_list": Entry(ENDING_READ),
    "page:status:ending_detail": Entry(ENDING_READ, params=ENDING),
    "page:status:ending_step": Entry(
        ENDING_READ & having("status.change_endingprocedure"),
        method="POST",
        params=ENDING,
        body=lambda w: {"step": "notify", "on": ""},
    ),
    "api:GET /api/v1/ending-procedures": Entry(ENDING_READ),
    "api:POST /api/v1/ending-procedures": Entry(
        having("status.add_endingprocedure"),
        method="POST",
        body=lambda w: {"person": w.person.reference, "kind": "NO-SUCH-KIND", "clause": ""},
    ),
    "api:GET /api/v1/ending-procedures/{procedure_id}": Entry(ENDING_READ, params=ENDING_API),
    "api:POST /api/v1/ending-procedures/{procedure_id}/decision": Entry(
        having("status.decide_rsdcase"),
        method="POST",
        params=ENDING_API,
        body=lambda w: {"outcome": "NO-SUCH-OUTCOME", "reasons": ""},
    ),
    "api:POST /api/v1/ending-procedures/{procedure_id}/notification": Entry(
        having("status.change_endingprocedure"),
        method="POST",
        params=ENDING_API,
        body=lambda w: {},
    ),
    "api:POST /api/v1/ending-procedures/{procedure_id}/appeal": Entry(
        having("status.change_endingprocedure"),
        method="POST",
        params=ENDING_API,
        body=lambda w: {"reasons": "x"},
    ),
    "api:POST /api/v1/ending-procedures/{procedure_id}/appeal-decision": Entry(
        having("status.decide_rsdcase"),
        method="POST",
        params=ENDING_API,
        body=lambda w: {"outcome": "UPHELD", "reasons": "x"},
    ),
}
