from django.urls import path

from . import ending_views, views

app_name = "status"
urlpatterns = [
    path("persons/<str:reference>/status/", views.person_status, name="person_status"),
    path("rsd/", views.case_list, name="case_list"),
    path("rsd/new/", views.case_new, name="case_new"),
    path("rsd/<str:reference>/", views.case_detail, name="case_detail"),
    path("rsd/<str:reference>/step/", views.case_step, name="case_step"),
    path("declarations/", views.declaration_list, name="declaration_list"),
    path("declarations/new/", views.declaration_new, name="declaration_new"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/revoke/", views.declaration_revoke, name="declaration_revoke"),
    path("site-designations/", views.designations, name="designations"),
    path("site-designations/<int:pk>/revoke/", views.designation_revoke, name="designation_revoke"),
    path("ending/", ending_views.ending_list, name="ending_list"),
    path("ending/<int:pk>/", ending_views.ending_detail, name="ending_detail"),
    path("ending/<int:pk>/step/", ending_views.ending_step, name="ending_step"),
]
