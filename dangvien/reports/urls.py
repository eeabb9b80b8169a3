from django.urls import path

from dangvien.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/<slug:name>/", views.report, name="report"),
]
