"""Certification history (認定履歴) may name the policy by the municipality and the certification
by its label (spec/fact-records.md); it is stored under the ids, so that reviews read it as held.
Found by the differential test: such rows were stored as written and never read."""
import pytest

from engine.errors import FactError
from engine.review import run_review
from facts.db import get_engine, init_db
from facts.importer import import_paths


def _import(tmp_path, rows: list[str]):
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "職員名簿.csv").write_text("職員番号,年度,氏名,所属,職級\nA1,2025,甲,総務課,主事\n", encoding="utf-8")
    (folder / "認定履歴.csv").write_text("\n".join(["職員番号,方針,認定区分,認定年度", *rows]) + "\n", encoding="utf-8")
    db = get_engine(f"sqlite:///{tmp_path}/n.db")
    init_db(db)
    import_paths(db, [folder])
    return db


def test_municipality_and_label_are_read_as_ids(tmp_path):
    db = _import(tmp_path, ["A1,真岡市,DXアドバイザー,令和5年度", "A1,moka,ＤＸエキスパート,R6"])
    got = {d.certification: d.outcome for d in run_review(db, "moka", 2025).decisions}
    assert got == {"dx_advisor": "held", "dx_expert": "held", "dx_specialist": "not_certified"}


@pytest.mark.parametrize("row, message", [
    ("A1,真岡町,DXアドバイザー,2023", "方針 '真岡町' はどのルールファイルにもありません（もしかして '真岡市'？）"),
    ("A1,moka,DXアドバイザ,2023", "認定区分 'DXアドバイザ' は方針 moka にありません（もしかして 'DXアドバイザー'？）"),
])
def test_unknown_policy_or_certification_is_a_row_error(tmp_path, row, message):
    with pytest.raises(FactError) as e:
        _import(tmp_path, [row])
    assert any(message in line and "認定履歴.csv:2" in line for line in e.value.lines())
