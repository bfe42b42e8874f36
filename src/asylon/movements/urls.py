from django.urls import path

from . import views

app_name = "movements"
urlpatterns = [
    path("", views.movement_list, name="list"),
    path("new/", views.movement_request, name="request"),
    path("group/new/", views.group_request, name="group_request"),
    path("group/<str:reference>/", views.group_detail, name="group_detail"),
    path("reference-data/", views.reference_data, name="reference_data"),
    path("persons/<str:reference>/risk/", views.risk_profile, name="risk_profile"),
    path("<str:reference>/", views.movement_detail, name="detail"),
    path("<str:reference>/transition/", views.movement_transition, name="transition"),
]
