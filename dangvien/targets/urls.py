from django.urls import URLPattern, path

from dangvien.targets import views

app_name = "targets"
# Every <int:pk> here is a unit.
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.unit_targets, name="unit"),
    path("<int:pk>/giao/", views.assign, name="assign"),
    path("<int:pk>/co-cau/", views.structural, name="structural"),
    path("<int:pk>/khu-dan-cu/", views.areas, name="areas"),
    path("<int:pk>/xuat/", views.export, name="export"),
    path("<int:pk>/mau/", views.template, name="template"),
    path("<int:pk>/nhap/", views.import_targets, name="import"),
]
