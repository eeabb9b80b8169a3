from django.urls import path

from dangvien.admission import views

app_name = "admission"
urlpatterns = [
    path("", views.board, name="board"),
    path("mo/<int:unit>/", views.case_open_view, name="open"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/ghi/", views.case_record, name="record"),
    path("<int:pk>/bieu-mau/<str:code>/<str:fmt>/", views.case_form, name="form"),
    path("<int:pk>/buoc/<int:event>/dinh-kem/", views.event_attach, name="attach"),
    path("<int:pk>/buoc/<int:event>/dinh-chinh/", views.event_correct, name="correct"),
    path("<int:pk>/tep/<int:attachment>/", views.attachment_download, name="attachment"),
]
