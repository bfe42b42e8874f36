from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("upload", views.import_upload, name="upload"),
    path("<int:pk>/", views.import_run, name="run"),
    path("<int:pk>/progress.json", views.import_progress, name="progress"),
    path("<int:pk>/confirm", views.import_confirm, name="confirm"),
]
