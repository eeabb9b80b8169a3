"""The official forms of the admission process (Hướng dẫn 12-HD/BTCTW): code, title, content.

Each form keeps the essential content of the official one (header, title, the facts it
records, the signatures), not every line of it. `Layout.fields` lists the context keys a
form shows. The .docx and PDF templates are built from these layouts by `build_templates`.
"""

from __future__ import annotations

from dangvien.documents.layout import Layout, Para, Rows, Sign, recipients, signer

CANDIDATE = (
    "quần chúng **{{ full_name }}**, sinh ngày {{ birth }}, quê quán {{ home_town }}, "
    "nơi cư trú {{ residence }}, nghề nghiệp {{ occupation }}"
)
MEMBER = (
    "đồng chí **{{ full_name }}**, sinh ngày {{ birth }}, quê quán {{ home_town }}, "
    "kết nạp vào Đảng ngày {{ ceremony_date_text }} theo Quyết định số "
    "{{ decision_number }} ngày {{ decision_date_text }}"
)
MERITS = (
    Para("**1. Ưu điểm:** {{ merits }}"),
    Para("**2. Khuyết điểm:** {{ shortcomings }}"),
)
GROUNDS = (
    Para("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", italic=True),
    Para("- Căn cứ Quy định và Hướng dẫn thi hành Điều lệ Đảng;", italic=True),
)


def _vote(subject: str) -> tuple[Para, ...]:
    return (
        Para(
            "Tổng số đảng viên chính thức của chi bộ: **{{ vote_official }}** đồng chí; "
            "trong đó sinh hoạt tạm thời ở đảng bộ khác: {{ vote_elsewhere }} đồng chí, "
            "được miễn sinh hoạt và vắng mặt: {{ vote_exempt_absent }} đồng chí; "
            "số đảng viên chính thức được tính để biểu quyết: **{{ vote_counted }}** đồng chí. "
            "Có mặt: **{{ vote_present }}** đồng chí."
        ),
        Para(
            f"Số đảng viên chính thức tán thành {subject}: **{{{{ vote_for }}}}** đồng chí, "
            "đạt **{{ vote_for_pct }}%**; không tán thành: **{{ vote_against }}** đồng chí, "
            "chiếm {{ vote_against_pct }}%."
        ),
    )


def _committee_vote(subject: str) -> Para:
    return Para(
        "Tổng số cấp ủy viên: **{{ vote_official }}** đồng chí; có mặt: "
        f"**{{{{ vote_present }}}}** đồng chí; tán thành {subject}: **{{{{ vote_for }}}}** "
        "đồng chí, đạt **{{ vote_for_pct }}%**; không tán thành: **{{ vote_against }}** "
        "đồng chí."
    )


FORMS: tuple[Layout, ...] = (
    Layout(
        code="CN-NTVĐ",
        title="Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng",
        heading=("Giấy chứng nhận", "Học lớp bồi dưỡng nhận thức về Đảng"),
        number_suffix="CN/TTCT",
        body=(
            Para("Chứng nhận: **{{ full_name }}**"),
            Para("Sinh ngày: {{ birth }}"),
            Para("Quê quán: {{ home_town }}"),
            Para("Nơi cư trú: {{ residence }}"),
            Para("Đơn vị công tác / chi bộ: {{ cell_name }}"),
            Para(
                "Đã hoàn thành chương trình bồi dưỡng nhận thức về Đảng, từ ngày "
                "{{ course_start_text }} đến ngày {{ course_end_text }}."
            ),
            Para("Xếp loại: **{{ course_result }}**"),
            Sign(
                left=recipients("Học viên", "Lưu."),
                right=signer("GIÁM ĐỐC", note="(Ký tên, đóng dấu)"),
            ),
        ),
    ),
    Layout(
        code="1-KNĐ",
        title="Đơn xin vào Đảng",
        heading=("Đơn xin vào Đảng",),
        header="state",
        body=(
            Para("Kính gửi: {{ cell_name }}", align="center", bold=True, indent=False),
            Para("Tôi là: **{{ full_name }}**; giới tính: {{ sex }}; sinh ngày: {{ birth }}"),
            Para("Quê quán: {{ home_town }}"),
            Para("Nơi cư trú: {{ residence }}"),
            Para("Nghề nghiệp: {{ occupation }}"),
            Para(
                "Được học lớp bồi dưỡng nhận thức về Đảng từ ngày {{ course_start_text }} "
                "đến ngày {{ course_end_text }}."
            ),
            Para(
                "Qua học tập, tìm hiểu Cương lĩnh chính trị và Điều lệ Đảng Cộng sản Việt Nam, "
                "tôi nhận thức được: Đảng Cộng sản Việt Nam là đội tiên phong của giai cấp công "
                "nhân, đồng thời là đội tiên phong của nhân dân lao động và của dân tộc Việt "
                "Nam; Đảng lấy chủ nghĩa Mác - Lênin và tư tưởng Hồ Chí Minh làm nền tảng tư "
                "tưởng, kim chỉ nam cho hành động."
            ),
            Para(
                "Tôi tự nguyện viết đơn này, đề nghị Chi bộ xem xét cho tôi được đứng vào hàng "
                "ngũ của Đảng. Nếu được kết nạp, tôi xin hứa tuyệt đối trung thành với mục "
                "đích, lý tưởng của Đảng, thực hiện nghiêm Cương lĩnh chính trị, Điều lệ Đảng, "
                "nghị quyết, chỉ thị của Đảng, pháp luật của Nhà nước; hoàn thành tốt nhiệm vụ "
                "được giao, giữ gìn phẩm chất, đạo đức, lối sống của người đảng viên."
            ),
            Sign(left=(), right=signer("NGƯỜI LÀM ĐƠN", name="{{ full_name }}")),
        ),
    ),
    Layout(
        code="2-KNĐ",
        title="Lý lịch của người xin vào Đảng (phần đầu: bản thân và gia đình)",
        heading=("Lý lịch của người xin vào Đảng",),
        header="state",
        comment="Only the first part of the personal history: identity and family members.",
        body=(
            Para("**I. BẢN THÂN**", indent=False),
            Para("1. Họ và tên đang dùng: **{{ full_name_upper }}**"),
            Para("2. Họ và tên khai sinh, tên gọi khác: {{ other_name }}"),
            Para("3. Giới tính: {{ sex }}; sinh ngày: {{ birth }}"),
            Para("4. Nơi sinh: {{ birthplace }}"),
            Para("5. Quê quán: {{ home_town }}"),
            Para("6. Nơi thường trú: {{ residence }}"),
            Para("7. Dân tộc: {{ ethnicity }}; tôn giáo: {{ religion }}"),
            Para("8. Số căn cước công dân: {{ citizen_id }}"),
            Para("9. Nghề nghiệp hiện nay: {{ occupation }}"),
            Para(
                "10. Trình độ giáo dục phổ thông: {{ education }}; chuyên môn, nghiệp vụ: "
                "{{ professional }}; lý luận chính trị: {{ political_theory }}"
            ),
            Para("11. Đoàn Thanh niên: {{ youth_union }}"),
            Para("12. Công đoàn: {{ trade_union }}"),
            Para("**II. HOÀN CẢNH GIA ĐÌNH**", indent=False),
            Rows(
                headers=(
                    "Quan hệ",
                    "Họ và tên",
                    "Năm sinh",
                    "Nghề nghiệp, nơi ở, thái độ chính trị",
                ),
                cells=("{{ m.relation }}", "{{ m.name }}", "{{ m.birth_year }}", "{{ m.details }}"),
                loop="m in family",
                widths=(2.5, 4.5, 2.2, 7.0),
            ),
            Para(
                "Tôi cam đoan đã khai đầy đủ, rõ ràng và chịu trách nhiệm trước Đảng về những "
                "nội dung đã khai.",
                italic=True,
            ),
            Sign(
                left=signer("XÁC NHẬN CỦA CHI ỦY", note="(Ký, ghi rõ họ tên)"),
                right=signer("NGƯỜI KHAI LÝ LỊCH", name="{{ full_name }}"),
            ),
        ),
    ),
    Layout(
        code="3-KNĐ",
        title="Giấy giới thiệu người vào Đảng",
        heading=("Giấy giới thiệu người vào Đảng",),
        body=(
            Para("Kính gửi: {{ cell_name }}", align="center", bold=True, indent=False),
            Para(
                "Tôi là: **{{ intro1_name }}**, đảng viên, số thẻ đảng viên {{ intro1_card }}, "
                "sinh hoạt tại {{ intro1_unit }}."
            ),
            Para(
                f"Được biết và cùng công tác với {CANDIDATE} trong thời gian "
                "{{ intro1_months }} tháng."
            ),
            Para(
                "Tôi giới thiệu quần chúng **{{ full_name }}** vào Đảng Cộng sản Việt Nam với "
                "những nhận xét sau:"
            ),
            *MERITS,
            Para(
                "Tôi xin chịu trách nhiệm trước Đảng về sự giới thiệu của mình và tiếp tục giúp "
                "đỡ người được giới thiệu phấn đấu trở thành đảng viên."
            ),
            Sign(left=(), right=signer("NGƯỜI GIỚI THIỆU", name="{{ intro1_name }}")),
        ),
    ),
    Layout(
        code="4-KNĐ",
        title="Nghị quyết của Ban Chấp hành Đoàn giới thiệu đoàn viên vào Đảng",
        heading=("Nghị quyết", "Giới thiệu đoàn viên ưu tú vào Đảng"),
        header="youth",
        number_suffix="NQ/ĐTN",
        body=(
            Para(
                f"Ngày {{{{ date_d }}}} tháng {{{{ date_m }}}} năm {{{{ date_y }}}}, Ban Chấp "
                "hành {{ unit_name }} đã họp xét, giới thiệu đoàn viên ưu tú vào Đảng đối với "
                f"{CANDIDATE.replace('quần chúng', 'đoàn viên')}; {{{{ youth_union }}}}."
            ),
            *MERITS,
            _committee_vote("giới thiệu"),
            Para(
                "Ban Chấp hành {{ unit_name }} giới thiệu đoàn viên **{{ full_name }}** để "
                "{{ cell_name }} xem xét, kết nạp vào Đảng Cộng sản Việt Nam."
            ),
            Sign(
                left=recipients("{{ cell_name }}", "Lưu."),
                right=signer("T/M BAN CHẤP HÀNH", "BÍ THƯ"),
            ),
        ),
    ),
    Layout(
        code="4A-KNĐ",
        title="Nghị quyết của Ban Chấp hành Công đoàn giới thiệu đoàn viên công đoàn vào Đảng",
        heading=("Nghị quyết", "Giới thiệu đoàn viên công đoàn ưu tú vào Đảng"),
        header="union",
        number_suffix="NQ/CĐ",
        body=(
            Para(
                f"Ngày {{{{ date_d }}}} tháng {{{{ date_m }}}} năm {{{{ date_y }}}}, Ban Chấp "
                "hành {{ unit_name }} đã họp xét, giới thiệu đoàn viên công đoàn ưu tú vào Đảng "
                f"đối với {CANDIDATE.replace('quần chúng', 'đoàn viên')}; "
                "{{ trade_union }}."
            ),
            *MERITS,
            _committee_vote("giới thiệu"),
            Para(
                "Ban Chấp hành {{ unit_name }} giới thiệu đoàn viên công đoàn "
                "**{{ full_name }}** để {{ cell_name }} xem xét, kết nạp vào Đảng."
            ),
            Sign(
                left=recipients("{{ cell_name }}", "Lưu."),
                right=signer("T/M BAN CHẤP HÀNH", "CHỦ TỊCH"),
            ),
        ),
    ),
    Layout(
        code="5-KNĐ",
        title=(
            "Tổng hợp ý kiến nhận xét của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú "
            "đối với người xin vào Đảng"
        ),
        heading=(
            "Tổng hợp ý kiến nhận xét",
            "của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú",
            "đối với người xin vào Đảng",
        ),
        body=(
            Para(
                f"Thực hiện Điều lệ Đảng, chi ủy {{{{ cell_name }}}} đã lấy ý kiến nhận xét "
                f"của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú đối với {CANDIDATE}."
            ),
            Para("Kết quả tổng hợp như sau:"),
            *MERITS,
            Para("**3. Ý kiến của các tổ chức và nơi cư trú:** {{ opinions }}"),
            Para("**4. Kết luận của chi ủy:** {{ comments }}"),
            Sign(left=recipients("Lưu hồ sơ."), right=signer("T/M CHI ỦY", "BÍ THƯ")),
        ),
    ),
    Layout(
        code="6-KNĐ",
        title="Nghị quyết của chi bộ đề nghị kết nạp đảng viên",
        heading=("Nghị quyết", "Đề nghị kết nạp đảng viên"),
        number_suffix="NQ/CB",
        body=(
            Para(
                f"Ngày {{{{ date_d }}}} tháng {{{{ date_m }}}} năm {{{{ date_y }}}}, "
                f"{{{{ cell_name }}}} đã họp xét đề nghị kết nạp vào Đảng đối với {CANDIDATE}."
            ),
            *_vote("việc kết nạp"),
            Para("Chi bộ thống nhất nhận xét:"),
            *MERITS,
            Para("**3. Kết luận:** {{ comments }}"),
            Para(
                "Chi bộ đề nghị {{ higher_committee }} xem xét, quyết định kết nạp quần chúng "
                "**{{ full_name }}** vào Đảng Cộng sản Việt Nam."
            ),
            Sign(
                left=recipients("{{ higher_committee }}", "Lưu chi bộ."),
                right=signer("T/M CHI BỘ", "BÍ THƯ"),
            ),
        ),
    ),
    Layout(
        code="7-KNĐ",
        title="Báo cáo thẩm định của đảng ủy bộ phận về người xin vào Đảng",
        heading=("Báo cáo", "Thẩm định đề nghị kết nạp đảng viên"),
        number_suffix="BC/ĐUBP",
        body=(
            Para(
                f"Đảng ủy bộ phận {{{{ unit_name }}}} đã thẩm định hồ sơ và nghị quyết đề nghị "
                f"kết nạp đảng viên của {{{{ cell_name }}}} đối với {CANDIDATE}."
            ),
            *_vote("việc kết nạp"),
            Para("**Kết quả thẩm định:** {{ comments }}"),
            Para(
                "Đảng ủy bộ phận đề nghị {{ higher_committee }} xem xét, quyết định kết nạp "
                "quần chúng **{{ full_name }}** vào Đảng."
            ),
            Sign(
                left=recipients("{{ higher_committee }}", "Lưu."),
                right=signer("T/M ĐẢNG ỦY BỘ PHẬN", "BÍ THƯ"),
            ),
        ),
    ),
    Layout(
        code="8-KNĐ",
        title="Nghị quyết của đảng ủy cơ sở về việc kết nạp đảng viên",
        heading=("Nghị quyết", "Về việc kết nạp đảng viên"),
        number_suffix="NQ/ĐU",
        body=(
            Para(
                "Ngày {{ date_d }} tháng {{ date_m }} năm {{ date_y }}, Ban Thường vụ (Ban Chấp "
                "hành) {{ unit_name }} đã họp xét đề nghị kết nạp đảng viên của "
                f"{{{{ cell_name }}}} đối với {CANDIDATE}."
            ),
            _committee_vote("việc kết nạp"),
            Para("**Nhận xét, kết luận:** {{ comments }}"),
            Para(
                "{{ unit_name }} đề nghị {{ higher_committee }} xem xét, quyết định kết nạp "
                "quần chúng **{{ full_name }}** vào Đảng Cộng sản Việt Nam (hoặc quyết định kết "
                "nạp, nếu đảng ủy cơ sở được ủy quyền)."
            ),
            Sign(
                left=recipients("{{ higher_committee }}", "{{ cell_name }}", "Lưu."),
                right=signer("T/M ĐẢNG ỦY", "BÍ THƯ"),
            ),
        ),
    ),
    Layout(
        code="9-KNĐ",
        title="Quyết định kết nạp đảng viên",
        heading=("Quyết định", "Kết nạp đảng viên"),
        number_suffix="QĐ/ĐU",
        body=(
            Para("BAN THƯỜNG VỤ {{ unit_name_upper }}", align="center", bold=True, indent=False),
            *GROUNDS,
            Para(
                "- Xét đề nghị của {{ cell_name }} và nghị quyết của cấp ủy cấp dưới về việc "
                "kết nạp đảng viên,",
                italic=True,
            ),
            Para("QUYẾT ĐỊNH", align="center", bold=True, indent=False),
            Para(
                f"**Điều 1.** Kết nạp {CANDIDATE}, vào Đảng Cộng sản Việt Nam. Thời gian dự bị "
                "12 tháng, kể từ ngày chi bộ tổ chức lễ kết nạp."
            ),
            Para(
                "**Điều 2.** {{ cell_name }} tổ chức lễ kết nạp, phân công đảng viên chính thức "
                "giúp đỡ đảng viên dự bị; các cơ quan liên quan và đồng chí **{{ full_name }}** "
                "thi hành quyết định này."
            ),
            Sign(
                left=recipients("{{ cell_name }}", "Như Điều 2", "Lưu."),
                right=signer("T/M BAN THƯỜNG VỤ", "BÍ THƯ", note="(Ký tên, đóng dấu)"),
            ),
        ),
    ),
    Layout(
        code="10-KNĐ",
        title="Bản tự kiểm điểm của đảng viên dự bị",
        heading=("Bản tự kiểm điểm", "Của đảng viên dự bị"),
        body=(
            Para("Kính gửi: {{ cell_name }}", align="center", bold=True, indent=False),
            Para(f"Tôi là {MEMBER}."),
            Para("Tôi tự kiểm điểm trong thời gian dự bị như sau:"),
            *MERITS,
            Para(
                "**3. Tự nhận xét:** {{ comments }} Tôi đề nghị chi bộ xem xét, đề nghị cấp ủy "
                "có thẩm quyền công nhận tôi là đảng viên chính thức."
            ),
            Sign(left=(), right=signer("NGƯỜI TỰ KIỂM ĐIỂM", name="{{ full_name }}")),
        ),
    ),
    Layout(
        code="11-KNĐ",
        title="Bản nhận xét đảng viên dự bị của đảng viên được phân công giúp đỡ",
        heading=(
            "Bản nhận xét đảng viên dự bị",
            "Của đảng viên chính thức được phân công giúp đỡ",
        ),
        body=(
            Para("Kính gửi: {{ cell_name }}", align="center", bold=True, indent=False),
            Para(
                "Tôi là **{{ helper_name }}**, số thẻ đảng viên {{ helper_card }}, sinh hoạt tại "
                "{{ helper_unit }}, được chi bộ phân công giúp đỡ đảng viên dự bị."
            ),
            Para(f"Tôi nhận xét {MEMBER} như sau:"),
            *MERITS,
            Para("**3. Đề nghị:** {{ comments }}"),
            Sign(left=(), right=signer("NGƯỜI NHẬN XÉT", name="{{ helper_name }}")),
        ),
    ),
    Layout(
        code="12-KNĐ",
        title=(
            "Tổng hợp ý kiến nhận xét của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú "
            "đối với đảng viên dự bị"
        ),
        heading=(
            "Tổng hợp ý kiến nhận xét",
            "của tổ chức đoàn thể nơi làm việc và chi ủy nơi cư trú",
            "đối với đảng viên dự bị",
        ),
        body=(
            Para(
                "Chi ủy {{ cell_name }} đã lấy ý kiến nhận xét của tổ chức đoàn thể nơi làm "
                f"việc và chi ủy nơi cư trú đối với {MEMBER}."
            ),
            Para("Kết quả tổng hợp như sau:"),
            *MERITS,
            Para("**3. Ý kiến của các tổ chức và nơi cư trú:** {{ opinions }}"),
            Sign(left=recipients("Lưu hồ sơ."), right=signer("T/M CHI ỦY", "BÍ THƯ")),
        ),
    ),
    Layout(
        code="13-KNĐ",
        title="Nghị quyết của chi bộ đề nghị công nhận đảng viên chính thức",
        heading=("Nghị quyết", "Đề nghị công nhận đảng viên chính thức"),
        number_suffix="NQ/CB",
        body=(
            Para(
                "Ngày {{ date_d }} tháng {{ date_m }} năm {{ date_y }}, {{ cell_name }} đã họp "
                f"xét đề nghị công nhận đảng viên chính thức đối với {MEMBER}."
            ),
            *_vote("việc công nhận"),
            Para("Chi bộ thống nhất nhận xét trong thời gian dự bị:"),
            *MERITS,
            Para(
                "Chi bộ đề nghị {{ higher_committee }} xem xét, công nhận đồng chí "
                "**{{ full_name }}** là đảng viên chính thức kể từ ngày {{ official_date_text }}."
            ),
            Sign(
                left=recipients("{{ higher_committee }}", "Lưu chi bộ."),
                right=signer("T/M CHI BỘ", "BÍ THƯ"),
            ),
        ),
    ),
    Layout(
        code="15-KNĐ",
        title="Nghị quyết của đảng ủy cơ sở về việc công nhận đảng viên chính thức",
        heading=("Nghị quyết", "Về việc công nhận đảng viên chính thức"),
        number_suffix="NQ/ĐU",
        body=(
            Para(
                "Ngày {{ date_d }} tháng {{ date_m }} năm {{ date_y }}, Ban Thường vụ (Ban Chấp "
                "hành) {{ unit_name }} đã họp xét đề nghị công nhận đảng viên chính thức của "
                f"{{{{ cell_name }}}} đối với {MEMBER}."
            ),
            _committee_vote("việc công nhận"),
            Para("**Nhận xét, kết luận:** {{ comments }}"),
            Para(
                "{{ unit_name }} đề nghị {{ higher_committee }} xem xét, quyết định công nhận "
                "đồng chí **{{ full_name }}** là đảng viên chính thức kể từ ngày "
                "{{ official_date_text }}."
            ),
            Sign(
                left=recipients("{{ higher_committee }}", "{{ cell_name }}", "Lưu."),
                right=signer("T/M ĐẢNG ỦY", "BÍ THƯ"),
            ),
        ),
    ),
    Layout(
        code="QĐ-CNCT",
        title=(
            "Quyết định công nhận đảng viên chính thức (số mẫu chưa chắc chắn: 14-KNĐ hoặc 16-KNĐ)"
        ),
        heading=("Quyết định", "Công nhận đảng viên chính thức"),
        number_suffix="QĐ/ĐU",
        comment=(
            "The official number of this form is uncertain (14-KNĐ or 16-KNĐ in Hướng dẫn "
            "12-HD/BTCTW); it is filed under a code of our own until checked against the text."
        ),
        body=(
            Para("BAN THƯỜNG VỤ {{ unit_name_upper }}", align="center", bold=True, indent=False),
            *GROUNDS,
            Para(
                "- Xét nghị quyết của {{ cell_name }} và của cấp ủy cấp dưới đề nghị công nhận "
                "đảng viên chính thức,",
                italic=True,
            ),
            Para("QUYẾT ĐỊNH", align="center", bold=True, indent=False),
            Para(
                f"**Điều 1.** Công nhận {MEMBER}, là đảng viên chính thức kể từ ngày "
                "{{ official_date_text }}; số thẻ đảng viên {{ party_card }}."
            ),
            Para(
                "**Điều 2.** {{ cell_name }}, các cơ quan liên quan và đồng chí "
                "**{{ full_name }}** thi hành quyết định này."
            ),
            Sign(
                left=recipients("{{ cell_name }}", "Như Điều 2", "Lưu."),
                right=signer("T/M BAN THƯỜNG VỤ", "BÍ THƯ", note="(Ký tên, đóng dấu)"),
            ),
        ),
    ),
)

BY_CODE: dict[str, Layout] = {form.code: form for form in FORMS}


class UnknownForm(LookupError):  # noqa: N818 (the name the callers use)
    """No registered form has this code."""


def get_form(code: str) -> Layout:
    try:
        return BY_CODE[code]
    except KeyError:
        raise UnknownForm(code) from None
