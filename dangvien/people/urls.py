from django.urls import path

from dangvien.people import views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("xuat/", views.people_export, name="export"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("so/<int:unit>/", views.register, name="register"),
    path("doi-chieu/<int:unit>/", views.reconciliation, name="reconciliation"),
    path("them/<int:unit>/", views.candidate_create, name="candidate_create"),
]
