"""Problems of a catalogue sidecar name the line of the key (tomllib gives none: we find it)."""
from __future__ import annotations

from pathlib import Path

from processes.definitions.catalogue import key_line, parse_catalogue

HKD_TOML = (Path(__file__).parents[2] / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.toml").read_text("utf-8")


def line_of(text: str, needle: str, start: int = 0) -> int:
    return text.count("\n", 0, text.index(needle, start)) + 1


def test_a_level_outside_2_to_4_is_refused_at_its_line() -> None:
    _, problems = parse_catalogue(HKD_TOML.replace("level = 4", "level = 7").encode(), "hkd.toml")
    line = line_of(HKD_TOML, "level = 4")
    assert [str(p) for p in problems] == [f"hkd.toml:{line}: level: level must be 2, 3 or 4 (R5.1)"]


def test_a_statutory_time_of_the_wrong_type_is_refused_at_its_line() -> None:
    text = HKD_TOML.replace("processing_time_days = 3", 'processing_time_days = "ba ngày"')
    _, problems = parse_catalogue(text.encode(), "hkd.toml")
    assert (problems[0].line, problems[0].element_id) == (line_of(text, "processing_time_days ="),
                                                          "processing_time_days")


def test_a_form_field_problem_points_at_the_id_line_of_that_field() -> None:
    text = HKD_TOML.replace('id = "so_lao_dong"\nlabel = "Số lượng lao động dự kiến"\ntype = "long"',
                            'id = "so_lao_dong"\nlabel = "Số lượng lao động dự kiến"\ntype = "number"')
    _, problems = parse_catalogue(text.encode(), "hkd.toml")
    assert [(p.line, p.element_id) for p in problems] == [(line_of(text, 'id = "so_lao_dong"'), "form.so_lao_dong")]


def test_a_document_without_a_name_points_at_its_table_header() -> None:
    text = HKD_TOML.replace('key = "giay_to_phap_ly"\nname =', 'key = "giay_to_phap_ly"\nten =')
    _, problems = parse_catalogue(text.encode(), "hkd.toml")
    second = line_of(text, "[[documents]]", text.index("[[documents]]") + 1)
    assert [(p.line, p.element_id) for p in problems] == [(second, "documents[1]")]


def test_a_missing_key_has_no_line_and_says_which_key() -> None:
    _, problems = parse_catalogue(b'code = "1.1"\n', "x.toml")
    assert "x.toml:-: processing_time_days: catalogue key 'processing_time_days' is missing" in map(str, problems)


def test_broken_toml_gives_the_line_tomllib_puts_in_its_message() -> None:
    _, problems = parse_catalogue(b'code = "1"\nlevel = = 3\n', "x.toml")
    assert problems[0].line == 2 and problems[0].message.startswith("not valid TOML")


def test_text_that_is_not_utf8_is_refused_at_its_line() -> None:
    _, problems = parse_catalogue(b'code = "1"\nname = "\xff"\n', "x.toml")
    assert (problems[0].line, problems[0].message) == (2, "the file is not UTF-8 text")


def test_a_key_inside_a_table_is_found_in_that_table_only() -> None:
    text = 'agency = "A"\n[agencies]\npolice = "000.00.90.H34"\n[responsibilities]\nagency = "B"\n'
    assert key_line(text, "agency") == 1
    assert key_line(text, "agencies.police") == 3
    assert key_line(text, "responsibilities.agency") == 5
    assert key_line(text, "nothing") is None
