from django.urls import path

from dangvien.lib import views

app_name = "lib"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("<int:pk>/bo/", views.calendar_remove, name="calendar_remove"),
]
