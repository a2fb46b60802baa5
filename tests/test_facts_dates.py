from datetime import date, datetime

import pytest

from facts.dates import fiscal_year_of, parse_date, parse_fiscal_year, wareki_year


@pytest.mark.parametrize("text, expected", [
    ("2025-06-30", date(2025, 6, 30)),
    ("2025/6/30", date(2025, 6, 30)),
    ("令和7年6月30日", date(2025, 6, 30)),
    ("R7.6.30", date(2025, 6, 30)),
    ("H31.4.1", date(2019, 4, 1)),
    ("平成31年4月30日", date(2019, 4, 30)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("２０２５／０６／３０", date(2025, 6, 30)),
    ("Ｒ７．６．３０", date(2025, 6, 30)),
    (datetime(2025, 6, 30, 0, 0), date(2025, 6, 30)),
    (date(2025, 6, 30), date(2025, 6, 30)),
])
def test_dates_are_read_as_municipal_records_write_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, fragment", [
    ("2025-02-30", "ありえない日付"),
    ("令和元年4月1日", "令和の始まり"),
    ("昨日", "日付として読めません"),
])
def test_a_date_that_is_not_a_date_says_so(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_date(text)


@pytest.mark.parametrize("text, expected", [
    ("2025", 2025), (2025, 2025), (2025.0, 2025), ("R7", 2025), ("令和7", 2025), ("令和7年度", 2025),
    ("平成31年度", 2019), ("令和元年度", 2019), ("R1", 2019), ("２０２５", 2025), ("Ｒ７", 2025),
    ("2025年度", 2025), ("H30", 2018),
])
def test_fiscal_years(text, expected):
    assert parse_fiscal_year(text) == expected


def test_heisei_31_and_reiwa_gannen_are_the_same_fiscal_year():
    assert parse_fiscal_year("平成31年度") == parse_fiscal_year("令和元年度") == 2019


@pytest.mark.parametrize("text", ["next year", "R", "25", "令和七年度"])
def test_a_fiscal_year_that_is_not_one_says_so(text):
    with pytest.raises(ValueError, match="年度として読めません"):
        parse_fiscal_year(text)


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year_of(date(2026, 3, 31)) == 2025
    assert fiscal_year_of(date(2026, 4, 1)) == 2026
    assert fiscal_year_of(date(2025, 4, 1)) == 2025


def test_wareki_names_of_fiscal_years():
    assert wareki_year(2025) == "令和7年度"
    assert wareki_year(2019) == "令和元年度"
    assert wareki_year(2018) == "平成30年度"


@pytest.mark.parametrize("text, suggestion", [
    ("平成31年5月1日", "令和元年5月1日"),
    ("H31.5.1", "令和元年5月1日"),
    ("昭和64年1月10日", "平成元年1月10日"),
    ("令和元年4月30日", "平成31年4月30日"),
])
def test_a_date_outside_its_era_is_an_error_suggesting_the_right_era(text, suggestion):
    with pytest.raises(ValueError, match=f"{suggestion} のことですか"):
        parse_date(text)


@pytest.mark.parametrize("text", ["平成31年4月30日", "昭和64年1月7日", "平成元年1月8日", "S64.1.7"])
def test_the_last_and_first_days_of_an_era_are_dates(text):
    parse_date(text)


@pytest.mark.parametrize("text, suggestion", [("平成32年度", "令和2年度"), ("H32", "令和2年度"),
                                              ("昭和64年度", "平成元年度")])
def test_a_fiscal_year_its_era_never_reached_suggests_the_right_one(text, suggestion):
    with pytest.raises(ValueError, match=f"{suggestion} のことですか"):
        parse_fiscal_year(text)


def test_the_era_table_comes_from_japanera_and_knows_when_each_era_ended():
    from facts.dates import ERAS

    assert ERAS["平成"] == (date(1989, 1, 8), date(2019, 5, 1))
    assert ERAS["昭和"][1] == date(1989, 1, 8)
    assert wareki_year(1988) == "昭和63年度"


def test_a_fiscal_year_in_english_names_its_era_in_letters():
    from facts.dates import wareki_year_en

    assert [wareki_year_en(y) for y in (2025, 2019, 2018, 1989, 1988)] == [
        "Reiwa 7", "Reiwa 1", "Heisei 30", "Heisei 1", "Showa 63"]
