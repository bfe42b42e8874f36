from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.job_page, name="job"),
    path("<int:pk>/progress.json", views.job_progress, name="progress"),
    path("<int:pk>/download", views.job_download, name="download"),
]
