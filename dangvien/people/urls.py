from django.urls import path

from dangvien.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("xuat/", views.people_export, name="export"),
    path("danh-muc/", views.categories, name="categories"),
    path("nhat-ky-xem/", views.file_view_log, name="view_log"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/sua/", views.person_correct, name="person_correct"),
    path("<int:pk>/tinh-trang/", views.person_status, name="person_status"),
    path("<int:pk>/chuc-danh/", views.person_positions, name="person_positions"),
    path("<int:pk>/noi-cu-tru/", views.person_residence, name="person_residence"),
    path("<int:pk>/chuyen-sinh-hoat/", views.person_transfer, name="person_transfer"),
    path("so/<int:unit>/", views.register, name="register"),
    path("doi-chieu/<int:unit>/", views.reconciliation, name="reconciliation"),
    path("them/<int:unit>/", views.candidate_create, name="candidate_create"),
]
