from django.urls import path

from dangvien.api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/thu-hoi/", views.token_revoke, name="revoke"),
]
