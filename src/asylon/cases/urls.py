from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_open, name="case_open"),
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<str:reference>/", views.referral_detail, name="referral_detail"),
    path("referrals/<str:reference>/answer/", views.referral_answer, name="referral_answer"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
    path("<str:reference>/consent/", views.case_consent, name="case_consent"),
    path("<str:reference>/consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<str:reference>/assessment/", views.case_assess, name="case_assess"),
    path("<str:reference>/actions/", views.case_action, name="case_action"),
    path("<str:reference>/actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("<str:reference>/review/", views.case_review, name="case_review"),
    path("<str:reference>/notes/", views.case_note, name="case_note"),
    path("<str:reference>/referral/", views.case_refer, name="case_refer"),
    path("<str:reference>/close/", views.case_close, name="case_close"),
    path("<str:reference>/reopen/", views.case_reopen, name="case_reopen"),
]
