from django.urls import path

from dangvien.admission import alert_views

app_name = "alerts"
urlpatterns = [path("", alert_views.alert_list, name="list")]
