from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from dangvien.api.main import api
from dangvien.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tai-khoan/token/", include("dangvien.api.urls")),
    path("tai-khoan/", include("dangvien.accounts.urls")),
    path("to-chuc/", include("dangvien.orgs.urls")),
    path("lich-lam-viec/", include("dangvien.lib.urls")),
    path("quy-dinh/", include("dangvien.rulebook.urls")),
    path("nguoi/", include("dangvien.people.urls")),
    path("nhap-excel/", include("dangvien.people.import_urls")),
    path("boi-duong/", include("dangvien.training.urls")),
    path("ket-nap/", include("dangvien.admission.urls")),
    path("canh-bao/", include("dangvien.admission.alert_urls")),
    path("bieu-mau/", include("dangvien.documents.urls")),
    path("chi-tieu/", include("dangvien.targets.urls")),
    path("bao-cao/", include("dangvien.reports.urls")),
    path("ngon-ngu/", login_not_required(set_language), name="set_language"),
    path("quan-tri-he-thong/", admin.site.urls),
    path("api/v1/", api.urls),
]
