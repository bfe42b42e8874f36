from django.urls import path

from . import views

# Mounted under "movements/" (the page's address before the sharing app had its own room),
# ahead of the movements pages, whose "<reference>/" would otherwise take "recipients/".
app_name = "sharing"
urlpatterns = [
    path("recipients/", views.recipients, name="recipients"),
]
