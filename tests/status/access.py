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
    return {"site": w.site_a.code, "nationality": "IR", "cutoff_kind": "REGISTRATION", "cutoff_date": "2013-01-01",
            "effective_on": "2013-01-02", "legal_basis": "1951_CONV", "recognised_by": "UNHCR",
            "legal_basis_text": "Prima facie declaration for the matrix test"}


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
        having("status.revoke_groupdeclaration"), method="POST", params={"pk": "declaration.pk"},
        body=lambda w: {"reason": ""},
    ),
    "page:status:designations": Entry(DESIGNATIONS),
    "page:status:designation_revoke": Entry(
        having("status.revoke_sitedesignationact"), method="POST", params={"pk": "designation.pk"},
        body=lambda w: {"reason": ""},
    ),
    "api:GET /api/v1/persons/{reference}/status": Entry(STATUS, params={"reference": "person.reference"}),
    "api:GET /api/v1/persons/{reference}/status-history": Entry(STATUS, params={"reference": "person.reference"}),
    "api:GET /api/v1/rsd-cases": Entry(RSD_READ),
    "api:GET /api/v1/rsd-cases/{reference}": Entry(RSD_READ, params=CASE),
    "api:POST /api/v1/rsd-cases": Entry(
        RSD_NEW, method="POST", body=lambda w: {"applicant": w.person.reference}
    ),
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
        having("status.revoke_groupdeclaration"), method="POST", params={"declaration_id": "declaration.pk"},
        body=lambda w: {"reason": ""},
    ),
    "api:GET /api/v1/site-designations": Entry(DESIGNATIONS),
    "api:POST /api/v1/site-designations": Entry(
        DESIGNATE, method="POST",
        body=lambda w: {"site": w.site_a.code, "designation": "REFUGEE_CAMP", "effective_on": "2013-02-01",
                        "legal_basis_text": "Designated for the matrix test"},
    ),
    "api:POST /api/v1/site-designations/{act_id}/revoke": Entry(
        having("status.revoke_sitedesignationact"), method="POST", params={"act_id": "designation.pk"},
        body=lambda w: {"reason": ""},
    ),
}


def build_world(w):
    from asylon.status import queries, services

    rsd = w.users["rsd_officer"]
    protection = w.users["protection_officer"]
    w.rsd_case = services.register_rsd_case(actor=rsd, applicant=w.person)
    w.declaration = services.declare_group(
        actor=protection,
        criteria=queries.Criteria(site=w.site_a, nationality="IR", cutoff_kind="REGISTRATION",
                                  cutoff_date=date(2013, 1, 1)),
        effective_on=date(2013, 1, 2), legal_basis="1951_CONV", recognised_by="UNHCR",
        legal_basis_text="Prima facie declaration for the matrix test",
    )
    w.designation = services.designate_site(
        actor=protection, site=w.site_a, designation="REFUGEE_CAMP", effective_on=date(2013, 1, 2),
        legal_basis_text="Designated a refugee camp for the matrix test",
    )
