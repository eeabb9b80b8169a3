from django.urls import path

from dangvien.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="unit"),
    path("<int:pk>/con/", views.children, name="children"),
    path("<int:pk>/them/", views.unit_create, name="create"),
    path("<int:pk>/doi-ten/", views.unit_rename, name="rename"),
    path("<int:pk>/chuyen/", views.unit_move, name="move"),
    path("<int:pk>/hop-nhat/", views.unit_merge, name="merge"),
    path("<int:pk>/chia-tach/", views.unit_split, name="split"),
    path("<int:pk>/giai-the/", views.unit_dissolve, name="dissolve"),
]
