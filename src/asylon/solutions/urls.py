from django.urls import path

from . import views

app_name = "solutions"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<str:site_code>/", views.dashboard, name="site_dashboard"),
    path("batches/", views.batch_submit, name="batch_submit"),
    path("batches/<int:pk>/manifest.<str:fmt>", views.batch_manifest, name="batch_manifest"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/transition/", views.case_transition, name="case_transition"),
]
