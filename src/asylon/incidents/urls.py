from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/hand-over/", views.evidence_handover, name="evidence_handover"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/retry/", views.deliveries_retry, name="deliveries_retry"),
    path("roll-calls/", views.roll_call_list, name="rollcall_list"),
    path("roll-calls/new/", views.roll_call_start, name="rollcall_start"),
    path("roll-calls/sw.js", views.roll_call_service_worker, name="rollcall_sw"),
    path("roll-calls/<int:pk>/", views.roll_call_mark, name="rollcall_mark"),
    path("roll-calls/<int:pk>/entries.json", views.roll_call_entries, name="rollcall_entries"),
    path("roll-calls/<int:pk>/counts.json", views.roll_call_counts, name="rollcall_counts"),
    path("roll-calls/<int:pk>/marks", views.roll_call_marks, name="rollcall_marks"),
    path("roll-calls/<int:pk>/sheets/", views.roll_call_sheets, name="rollcall_sheets"),
    path("roll-calls/<int:pk>/sheets/<int:block>.pdf", views.roll_call_sheet_pdf, name="rollcall_sheet_pdf"),
    path("roll-calls/<int:pk>/sheets/<int:block>/enter/", views.roll_call_sheet_enter, name="rollcall_sheet_enter"),
    path("roll-calls/<int:pk>/close/", views.roll_call_close, name="rollcall_close"),
    path("roll-calls/<int:pk>/report/", views.roll_call_report, name="rollcall_report"),
    path("roll-calls/reviews/", views.presence_reviews, name="presence_reviews"),
    path("roll-calls/reviews/<int:pk>/confirm/", views.presence_review_confirm, name="presence_review_confirm"),
    path("roll-calls/reviews/<int:pk>/reject/", views.presence_review_reject, name="presence_review_reject"),
    path("<str:reference>/", views.incident_detail, name="detail"),
    path("<str:reference>/status/", views.incident_transition, name="transition"),
    path("<str:reference>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("<str:reference>/affected/", views.affected_add, name="affected_add"),
    path("<str:reference>/evidence/", views.evidence_upload, name="evidence_upload"),
]
