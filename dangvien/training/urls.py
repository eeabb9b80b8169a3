from django.urls import path

from dangvien.training import views

app_name = "training"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("mo-lop/", views.class_create, name="create"),
    path("<int:pk>/", views.class_detail, name="class"),
    path("<int:pk>/ghi-danh/", views.class_enrol, name="enrol"),
]
