from django.urls import path

from dangvien.rulebook import views

app_name = "rulebook"
urlpatterns = [path("", views.rulebook, name="list")]
