from django.urls import path

from dangvien.admission import views

app_name = "admission"
urlpatterns = [
    path("", views.board, name="board"),
    path("mo/<int:unit>/", views.case_open_view, name="open"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/ghi/", views.case_record, name="record"),
    path("<int:pk>/bieu-mau/<str:code>/<str:fmt>/", views.case_form, name="form"),
]
