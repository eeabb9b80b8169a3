from django.urls import URLPattern, path

from dangvien.people import import_views as views

app_name = "people_import"
urlpatterns: list[URLPattern] = [
    path("", views.start, name="start"),
    path("mau/<str:kind>/", views.template, name="template"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/tien-do/", views.progress, name="progress"),
    path("<int:pk>/ghi/", views.commit, name="commit"),
    path("<int:pk>/bo/", views.abandon, name="abandon"),
]
