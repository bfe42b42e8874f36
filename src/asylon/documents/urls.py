from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("persons/<str:reference>/documents/", views.person_documents, name="person_documents"),
    path("documents/<str:reference>/pdf/", views.document_pdf, name="document_pdf"),
    path("documents/<str:reference>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path("verify/", views.verify_page, name="verify"),
    path("verify/keys.json", views.verify_keys, name="verify_keys"),
    path("verify/revoked.json", views.verify_revoked, name="verify_revoked"),
    path("verify/sw.js", views.verify_service_worker, name="verify_sw"),
]
