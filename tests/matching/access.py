"""Access-matrix entries for search, the duplicate check, the review queue and merges."""

from tests.access_matrix import Entry, having

VIEW = having("registry.view_person")
REGISTER = having("registry.add_household")
QUEUE = having("matching.view_duplicatecandidate")
DECIDE = having("matching.decide_duplicatecandidate")
UNMERGE = having("matching.unmerge_person")

ROUTES = {
    "page:matching:search": Entry(VIEW),
    "page:matching:check": Entry(REGISTER),
    "page:matching:queue": Entry(QUEUE),
    "page:matching:detect": Entry(DECIDE, method="POST", body=lambda w: {"site": w.site_a.code}),
    "page:matching:candidate": Entry(QUEUE, params={"pk": "candidate.pk"}),
    "page:matching:merge_undo": Entry(UNMERGE, method="POST", params={"pk": "merge.pk"}, body=lambda w: {"reason": ""}),
    "api:GET /api/v1/persons/search": Entry(VIEW),
    "api:POST /api/v1/persons/duplicates/check": Entry(
        REGISTER,
        method="POST",
        body=lambda w: {"site": w.site_a.code, "given_name": "Soraya", "family_name": "Matrixi"},
    ),
    "api:GET /api/v1/duplicates": Entry(QUEUE),
    "api:POST /api/v1/duplicates/{candidate_id}/decision": Entry(
        DECIDE, method="POST", params={"candidate_id": "candidate.pk"}, body=lambda w: {"decision": "NONSENSE"}
    ),
    "api:POST /api/v1/merges/{merge_id}/undo": Entry(
        UNMERGE, method="POST", params={"merge_id": "merge.pk"}, body=lambda w: {"reason": ""}
    ),
}


def build_world(w):
    from asylon.accounts.roles import Role
    from asylon.matching.candidates import raise_candidate
    from asylon.matching.merges import merge_persons
    from asylon.registry import services

    officer = w.users[Role.PROTECTION_OFFICER]
    household = services.register_household(
        actor=officer,
        site=w.site_a,
        members=[
            {"relationship": "PA", "given_name": "Soraya", "family_name": "Matrixie", "sex": "F"},
            {"relationship": "CHILD", "given_name": "Sorayya", "family_name": "Matrixi", "sex": "F"},
            {"relationship": "SPOUSE", "given_name": "Kaveh", "family_name": "Matrixi", "sex": "M"},
        ],
    )
    members = sorted((m.person for m in household.memberships.select_related("person")), key=lambda p: p.pk)
    w.candidate, _ = raise_candidate(w.person, members[0], probability=0.9, match_weight=5.0, explanation={})
    w.merge = merge_persons(actor=officer, survivor=members[1], merged=members[2], reason="matrix")
