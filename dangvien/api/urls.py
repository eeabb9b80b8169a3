from django.urls import path

from dangvien.api import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/thu-hoi/", views.token_revoke, name="revoke"),
    path("quan-tri/", views.overseen, name="overseen"),
    path("quan-tri/<int:pk>/thu-hoi/", views.overseen_revoke, name="overseen_revoke"),
]
