from django.urls import URLPattern, path

from dangvien.documents import views

app_name = "documents"
urlpatterns: list[URLPattern] = [
    path("", views.form_list, name="list"),
    path("<str:code>/<str:fmt>/", views.download, name="download"),
]
