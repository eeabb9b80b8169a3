from __future__ import annotations

import random

from dangvien.lib.vntext import collation_key, fold, given_name, name_sort_key

# Written out by hand in the order a Vietnamese register lists them: by given name, then
# middle name, then family name; ă, â, đ, ơ, ư are letters of their own, after a, a, d, o, u;
# tones break ties in the order none, huyền, hỏi, ngã, sắc, nặng.
REGISTER = [
    "Lê Văn An",
    "Nguyễn Văn An",
    "Trần Thị Ánh",
    "Đỗ Văn Ân",
    "Hoàng Văn Bảo",
    "Vũ Thị Bình",
    "Đặng Văn Dũng",
    "Hồ Văn Dương",
    "Đinh Văn Đức",
    "Phạm Hà",
    "Lê Thị Hà",
    "Nguyễn Thị Hà",
    "Trần Thị Hạ",
    "Bùi Thị Hải",
    "Dương Thị Lan",
    "Đào Thị Lan",
    "Ngô Thị Thùy",
    "Lý Thị Thủy",
    "Mai Thị Thúy",
    "Tạ Thị Thụy",
    "Nguyễn Thúy Tình",
]


def test_people_sort_by_given_name_in_vietnamese_order() -> None:
    shuffled = REGISTER[:]
    random.Random(2025).shuffle(shuffled)
    assert sorted(shuffled, key=name_sort_key) == REGISTER


def test_letters_with_marks_follow_their_base_letter() -> None:
    words = ["an", "ăn", "ân", "bàn", "do", "đò", "ong", "ông", "ơn", "ung", "ưng"]
    assert sorted(reversed(words), key=collation_key) == words


def test_search_folding_drops_tones_and_d_stroke() -> None:
    assert fold("Nguyễn Thúy Tình") == "nguyen thuy tinh"
    assert fold("  ĐẶNG   Văn Đức ") == "dang van duc"
    assert fold("Chi bộ khu phố 1") == "chi bo khu pho 1"


def test_given_name_is_the_last_word() -> None:
    assert given_name("Nguyễn Thị Minh Khai") == "Khai"
    assert given_name("") == ""


def test_case_and_spacing_do_not_change_the_order() -> None:
    assert name_sort_key("nguyễn  văn an") == name_sort_key("Nguyễn Văn An")


def test_numbers_in_names_sort_as_numbers() -> None:
    names = ["Chi bộ khu phố 2", "Chi bộ khu phố 10", "Chi bộ khu phố 1", "Chi bộ khu Đông"]
    assert sorted(names, key=collation_key) == [
        "Chi bộ khu Đông",  # đ before p
        "Chi bộ khu phố 1",
        "Chi bộ khu phố 2",
        "Chi bộ khu phố 10",
    ]
