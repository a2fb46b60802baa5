"""``nintei certificate`` and ``nintei badges``: what a review granted, as printable 認定証
(engine/certificate.py) and as Open Badges 3.0 credentials (engine/badges.py)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import db_option, fiscal_year_option, open_db, policy_option, say

out_dir_option = click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path),
    help="書き出すフォルダ（あらかじめ作っておく。同じ名前のファイルは置き換える）")


def check_out_dir(ctx: click.Context, out_dir: Path) -> None:
    """The ``--out`` folder must exist, before any work (spec/cli.md): a usage error otherwise."""
    if not out_dir.expanduser().is_dir():
        what = "フォルダではなくファイルです" if out_dir.exists() else "そのフォルダがありません（先に作ってください）"
        raise click.UsageError(f"--out {out_dir}: {what}", ctx)


def _tell(paths: list[Path], what: str) -> None:
    """What was written: the count and a few names (a large review writes hundreds of files)."""
    for path in paths[:3]:
        say(f"  {path.name}", err=True)
    if len(paths) > 3:
        say(f"  ほか {len(paths) - 3} ファイル", err=True)
    say(what, err=True)


@click.command("certificate")
@policy_option
@fiscal_year_option
@click.option("--staff", "staff_id", metavar="ID", help="この職員の認定証だけを作る（職員番号）")
@out_dir_option
@click.option("--no-pdf", is_flag=True, help="PDF を作らず HTML だけを書く（Chromium を使わない）")
@db_option
@click.pass_context
def certificate_cmd(ctx: click.Context, policy: str, fiscal_year: int, staff_id: str | None, out_dir: Path,
                    no_pdf: bool) -> None:
    """認定証: その年度の審査で認定された区分ごとに1枚（A4）を、印刷用の HTML と PDF で書き
    ます。認定番号、所属、氏名、認定区分、認定基準の引用、有効期間、和暦の認定日、発行者
    （規則ファイルの certificate:）が載ります。保持（以前の年度の認定）と取り消された
    認定には作りません。

    \b
    ファイル（--out のフォルダに）:
      認定証_<職員番号>_<認定区分>.html / .pdf   1枚ずつ
      認定証_<方針>_<年度>_全件.html / .pdf      全員分をまとめて印刷する用
    PDF は Chromium で作ります。Chromium がなければ HTML だけを書き、そう告げて終了コード 1
    で終わります（--no-pdf なら HTML だけで 0）。

    \b
    例:
      nintei certificate --policy moka --fiscal-year 令和7年度 --out 認定証/
      nintei certificate -p moka -y R7 --staff 11002 --out 認定証/
    """
    from engine.certificate import write_certificates
    from engine.grants import granted

    check_out_dir(ctx, out_dir)
    db = open_db(ctx)
    review = granted(db, policy, fiscal_year, staff_id=staff_id)
    if not review.grants:
        who = f"職員 {staff_id} は" if staff_id else ""
        say(f"{who}この審査（実行番号 {review.run_id}）で新たに認定された区分はありません。認定証は作りません。",
            err=True)
        return
    written = write_certificates(review, out_dir, pdf=not no_pdf)
    _tell([p for p in written.html + written.pdf if "全件" in p.name] or written.html + written.pdf,
          f"認定証 {len(review.grants)} 枚を {out_dir} に書き出しました"
          f"（HTML {len(written.html)} ファイル、PDF {len(written.pdf)} ファイル）。")
    if written.no_pdf_reason:
        say(f"PDF は作れませんでした: {written.no_pdf_reason}", err=True)
        say("HTML をブラウザで開いて印刷するか、Chromium を入れてもう一度実行してください"
            "（HTML だけでよければ --no-pdf）。", err=True)
        ctx.exit(1)


@click.command("badges")
@policy_option
@fiscal_year_option
@out_dir_option
@db_option
@click.pass_context
def badges_cmd(ctx: click.Context, policy: str, fiscal_year: int, out_dir: Path) -> None:
    """オープンバッジ（Open Badges 3.0）: その年度の審査で認定された区分ごとに1つの
    OpenBadgeCredential（JSON-LD）を書きます。受け取る職員は職員番号の salt 付きハッシュで
    示し、職員番号そのものはファイルのどこにも書きません。年度ごとの認定には有効期限（年度末
    3月31日）が付きます。署名（proof）は付けません（docs/certificates.md）。

    \b
    ファイル（--out のフォルダに）: バッジ_<職員番号>_<認定区分>.json

    \b
    例:
      nintei badges --policy moka --fiscal-year 令和7年度 --out バッジ/
    """
    from engine.badges import write_badges
    from engine.grants import granted

    check_out_dir(ctx, out_dir)
    db = open_db(ctx)
    review = granted(db, policy, fiscal_year)
    if not review.grants:
        say(f"この審査（実行番号 {review.run_id}）で新たに認定された区分はありません。バッジは作りません。", err=True)
        return
    paths = write_badges(review, out_dir)
    _tell(paths, f"オープンバッジ {len(paths)} 件を {out_dir} に書き出しました。")
