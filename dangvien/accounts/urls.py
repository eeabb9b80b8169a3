from django.contrib.auth import views as auth_views
from django.urls import path

from dangvien.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("xac-thuc/", views.second_step, name="second_step"),
    path("hai-buoc/", views.two_factor, name="two_factor"),
    path("hai-buoc/bat/", views.two_factor_start, name="two_factor_start"),
    path("hai-buoc/xac-nhan/", views.two_factor_confirm, name="two_factor_confirm"),
    path("hai-buoc/ma-khoi-phuc/", views.recovery_codes, name="recovery_codes"),
    path("hai-buoc/tat/", views.two_factor_disable, name="two_factor_disable"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("nhat-ky/", views.audit_list, name="audit"),
    path("nguoi-dung/", views.users, name="users"),
    path("quyen/<int:pk>/thu-hoi/", views.grant_revoke, name="grant_revoke"),
]
