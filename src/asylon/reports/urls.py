from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/chart/<slug:kind>.svg", views.statistics_chart, name="statistics_chart"),
    path("statistics/population.csv", views.statistics_csv, name="statistics_csv"),
    path("statistics/cases.csv", views.cases_csv, name="cases_csv"),
    path("sitrep/", views.sitrep_page, name="sitrep"),
    path("exports/", views.exports_page, name="exports"),
]
