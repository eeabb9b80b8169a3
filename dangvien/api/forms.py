"""The form of the token page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from dangvien.api.services import NAME_MAX_LENGTH

DEFAULT_DAYS = 90


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Tên (dùng cho việc gì)"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Ví dụ: Báo cáo tự động của Văn phòng Tỉnh ủy."),
    )
    days = forms.IntegerField(label=_("Thời hạn (ngày)"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        maximum = settings.API_TOKEN_MAX_DAYS  # read at use: tests and operators change it
        field = self.fields["days"]
        assert isinstance(field, forms.IntegerField)
        field.max_value = maximum
        field.validators.append(MaxValueValidator(maximum))
        field.widget.attrs["max"] = str(maximum)
        field.help_text = _("Tối đa %(n)s ngày; hết hạn thì mã tự ngừng hoạt động.") % {
            "n": maximum
        }
        self.initial.setdefault("days", min(DEFAULT_DAYS, maximum))
