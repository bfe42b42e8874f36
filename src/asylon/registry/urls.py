from django.urls import path

from . import life_views, views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/<str:reference>/", views.person_detail, name="person_detail"),
    path("persons/<str:reference>/correct/", views.person_correct, name="person_correct"),
    path("persons/<str:reference>/presence/", views.person_presence, name="person_presence"),
    path("persons/<str:reference>/photo/", views.person_photo, name="person_photo"),
    path("persons/<str:reference>/photo/upload/", views.person_photo_upload, name="person_photo_upload"),
    path("households/new/", views.household_register, name="household_register"),
    path("households/<str:reference>/", views.household_detail, name="household_detail"),
    path("households/<str:reference>/life/", life_views.household_life, name="household_life"),
    path("households/<str:reference>/history/", life_views.household_history, name="household_history"),
    path("persons/<str:reference>/death/", life_views.death_report, name="death_report"),
    path("deaths/<int:pk>/", life_views.death_decide, name="death_decide"),
]
