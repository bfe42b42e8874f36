"""Access-matrix entries for protection documents and the public verification page."""

from __future__ import annotations

from tests.access_matrix import EVERYONE, Entry, having

VIEW = having("documents.view_protectiondocument")
WITHDRAW = having("documents.withdraw_protectiondocument")
DOCUMENT = {"reference": "document.reference"}

ROUTES = {
    "page:documents:person_documents": Entry(VIEW, params={"reference": "person.reference"}),
    "page:documents:document_pdf": Entry(VIEW, params=DOCUMENT),
    "page:documents:document_withdraw": Entry(
        WITHDRAW, params=DOCUMENT, method="POST", body=lambda w: {"reason": "matrix"}
    ),
    # The checkpoint's page and what it syncs: public, and free of personal data.
    "page:documents:verify": Entry(EVERYONE),
    "page:documents:verify_keys": Entry(EVERYONE),
    "page:documents:verify_revoked": Entry(EVERYONE),
    "page:documents:verify_sw": Entry(EVERYONE),
    "api:GET /api/v1/persons/{reference}/documents": Entry(VIEW, params={"reference": "person.reference"}),
    # No kind: a role let in is told to choose one (422), nothing is issued.
    "api:POST /api/v1/persons/{reference}/documents": Entry(
        having("documents.add_protectiondocument"),
        method="POST",
        params={"reference": "person.reference"},
        body=lambda w: {"kind": "XX"},
    ),
    # Without confirm: the preview (409), nothing withdrawn.
    "api:POST /api/v1/documents/{reference}/withdraw": Entry(
        WITHDRAW, method="POST", params=DOCUMENT, body=lambda w: {"reason": "matrix"}
    ),
    "api:POST /api/v1/documents/verify": Entry(VIEW, method="POST", body=lambda w: {"code": w.document.statement}),
}


def build_world(world) -> None:
    from asylon.accounts.roles import Role
    from asylon.documents.models import DocumentKind
    from asylon.documents.services import issue_document

    world.document = issue_document(
        actor=world.users[Role.REGISTRATION_CLERK], person=world.person, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE
    )
