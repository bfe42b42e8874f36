from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("persons/search/", views.person_search, name="search"),
    path("persons/duplicates/", views.review_queue, name="queue"),
    path("persons/duplicates/check/", views.duplicate_check, name="check"),
    path("persons/duplicates/detect/", views.detect, name="detect"),
    path("persons/duplicates/<int:pk>/", views.candidate_detail, name="candidate"),
    path("persons/merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
]
