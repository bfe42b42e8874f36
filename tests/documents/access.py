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
}


def build_world(world) -> None:
    from asylon.accounts.roles import Role
    from asylon.documents.models import DocumentKind
    from asylon.documents.services import issue_document

    world.document = issue_document(
        actor=world.users[Role.REGISTRATION_CLERK], person=world.person, kind=DocumentKind.ASYLUM_SEEKER_CERTIFICATE
    )
