"""The category lists a new installation starts with. Administrators extend them; the
migration that loads them only adds what is missing.

Ethnic groups: the 54 groups and their codes of the General Statistics Office's list
(Quyết định 121-TCTK/PPCĐ, 1979), the codes used on party personal-history forms.
"""

from __future__ import annotations

# (code, name, rank, aliases)
Entry = tuple[str, str, int, str]

# The entries the reports single out, by code. A code never changes once the list has it
# (`category_services` only adds entries and turns them on or off), so these hold in every
# installation: Kinh among the ethnic groups (any other is an ethnic minority), "none" among
# the religions, the Youth Union among the mass organisations.
KINH = "01"
NO_RELIGION = "00"
YOUTH_UNION = "DTN"

ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "HMông", "Dao", "Gia-rai",
    "Ngái", "Ê-đê", "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê",
    "Mnông", "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ",
    "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào",
    "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao",
    "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ-măm",
]  # fmt: skip
# Other spellings seen on forms and in spreadsheets.
ETHNIC_ALIASES = {
    "Kinh": "Việt",
    "Khơ-me": "Khmer\nKhơ me",
    "HMông": "Mông\nH'Mông\nHmong\nMèo",
    "Gia-rai": "Jrai\nGia Rai",
    "Ê-đê": "Ê đê\nEde",
    "Ba-na": "Bahnar\nBa Na",
    "Xơ-đăng": "Xơ Đăng",
    "Cơ-ho": "K'Ho\nCơ Ho",
    "Cơ-tu": "Cơ Tu\nKatu",
    "Gié-Triêng": "Giẻ Triêng\nGié Triêng",
    "Tà-ôi": "Tà Ôi\nTa Oi",
    "Khơ-mú": "Khơ Mú\nKhmu",
}

ETHNICITY: list[Entry] = [
    (f"{i:02d}", name, i, ETHNIC_ALIASES.get(name, "")) for i, name in enumerate(ETHNIC_GROUPS, 1)
]

RELIGION: list[Entry] = [
    (NO_RELIGION, "Không", 0, "Không có\nKhông theo tôn giáo"),
    ("01", "Phật giáo", 1, "Phật\nĐạo Phật"),
    ("02", "Công giáo", 2, "Thiên Chúa giáo\nThiên chúa\nCông giáo La Mã"),
    ("03", "Tin lành", 3, "Đạo Tin lành"),
    ("04", "Cao Đài", 4, "Đạo Cao Đài"),
    ("05", "Phật giáo Hòa Hảo", 5, "Hòa Hảo"),
    ("06", "Hồi giáo", 6, "Islam"),
    ("07", "Bà-la-môn", 7, "Bà la môn"),
    ("99", "Khác", 99, ""),
]

# Rank = the equivalent grade of today's 12-year system (10/10 of the old system finished
# general education; 7/10 finished lower secondary, like 9/12).
GENERAL_EDUCATION: list[Entry] = [
    *[(f"{g}/12", f"{g}/12", g, f"lớp {g}") for g in range(12, 0, -1)],
    ("10/10", "10/10", 12, ""),
    ("9/10", "9/10", 11, ""),
    ("8/10", "8/10", 10, ""),
    ("7/10", "7/10", 9, ""),
    ("BC", "Biết chữ", 0, "biết đọc biết viết"),
]

PROFESSIONAL: list[Entry] = [
    ("0", "Chưa qua đào tạo", 0, "Không\nChưa có"),
    ("SC", "Sơ cấp", 1, ""),
    ("TC", "Trung cấp", 2, "Trung học chuyên nghiệp"),
    ("CD", "Cao đẳng", 3, ""),
    ("DH", "Đại học", 4, "Cử nhân\nKỹ sư"),
    ("ThS", "Thạc sĩ", 5, "Thạc sỹ"),
    ("TS", "Tiến sĩ", 6, "Tiến sỹ"),
]

POLITICAL_THEORY: list[Entry] = [
    ("SC", "Sơ cấp", 1, ""),
    ("TC", "Trung cấp", 2, ""),
    ("CC", "Cao cấp", 3, ""),
    ("CN", "Cử nhân", 4, "Cử nhân chính trị"),
]

OCCUPATION: list[Entry] = [
    ("CBCC", "Cán bộ, công chức", 1, "Công chức\nCán bộ"),
    ("VC", "Viên chức", 2, ""),
    ("CA", "Công an", 3, ""),
    ("QD", "Quân đội", 4, "Bộ đội"),
    ("CN", "Công nhân", 5, ""),
    ("ND", "Nông dân", 6, "Làm ruộng"),
    ("NGD", "Ngư dân", 7, ""),
    ("GV", "Giáo viên", 8, "Nhà giáo"),
    ("YT", "Nhân viên y tế", 9, "Y tế\nBác sĩ\nY sĩ"),
    ("DN", "Chủ doanh nghiệp, kinh doanh", 10, "Kinh doanh\nBuôn bán"),
    ("LDTD", "Lao động tự do", 11, ""),
    ("HSSV", "Học sinh, sinh viên", 12, "Sinh viên\nHọc sinh"),
    ("HT", "Nghỉ hưu", 13, "Hưu trí"),
    ("KHAC", "Khác", 99, ""),
]

MASS_ORGANISATION: list[Entry] = [
    (YOUTH_UNION, "Đoàn Thanh niên Cộng sản Hồ Chí Minh", 1, "Đoàn viên\nĐoàn thanh niên\nĐTN"),
    ("CD", "Công đoàn", 2, "Công đoàn viên"),
    ("PN", "Hội Liên hiệp Phụ nữ", 3, "Hội phụ nữ\nPhụ nữ"),
    ("ND", "Hội Nông dân", 4, "Nông dân"),
    ("CCB", "Hội Cựu chiến binh", 5, "Cựu chiến binh"),
]

POSITION: list[Entry] = [
    ("TT", "Trưởng thôn, khu phố", 1, "Trưởng thôn\nTrưởng khu phố\nTrưởng bản\nTrưởng ấp"),
    ("TDP", "Tổ trưởng tổ dân phố", 2, "Tổ trưởng dân phố"),
    ("MT", "Trưởng ban công tác Mặt trận khu dân cư", 3, "Trưởng ban công tác Mặt trận"),
    ("DT", "Chi hội trưởng đoàn thể ở khu dân cư", 4, "Chi hội trưởng\nBí thư chi đoàn"),
    ("BT", "Bí thư chi bộ", 5, ""),
    ("PBT", "Phó bí thư chi bộ", 6, ""),
]

DEFAULTS: dict[str, list[Entry]] = {
    "ethnicity": ETHNICITY,
    "religion": RELIGION,
    "general_education": GENERAL_EDUCATION,
    "professional": PROFESSIONAL,
    "political_theory": POLITICAL_THEORY,
    "occupation": OCCUPATION,
    "mass_organisation": MASS_ORGANISATION,
    "position": POSITION,
}
