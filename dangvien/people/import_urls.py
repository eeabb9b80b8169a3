from django.urls import URLPattern, path  # noqa: F401

app_name = "people_import"
urlpatterns: list[URLPattern] = []
