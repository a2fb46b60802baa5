"""``nintei certificate`` and ``nintei badges``: what a review granted, as printable 認定証
(engine/certificate.py) and as Open Badges 3.0 credentials (engine/badges.py)."""
from __future__ import annotations

import os
import sys

from pathlib import Path

import click

from .common import db_option, fiscal_year_option, in_lang, lang_of, lang_option, open_db, policy_option, say, worded

out_dir_option = click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path),
    help="書き出すフォルダ（あらかじめ作っておく。同じ名前のファイルは置き換える）")
certificate_out_option = click.option(
    "--out", "out_dir", required=True, type=click.Path(path_type=Path),
    help="書き出すフォルダ（あらかじめ作っておく。前回この認定証のコマンドが書いたファイルは今回の分に置き換わる）")


def check_out_dir(ctx: click.Context, out_dir: Path) -> None:
    """The ``--out`` folder must exist, before any work (spec/cli.md): a usage error otherwise."""
    if not out_dir.expanduser().is_dir():
        lang = lang_of(ctx)
        what = in_lang(lang, "フォルダではなくファイルです", "a file, not a folder") if out_dir.exists() else \
            in_lang(lang, "そのフォルダがありません（先に作ってください）", "there is no such folder (make it first)")
        raise click.UsageError(f"--out {out_dir}: {what}", ctx)


def _tell(paths: list[Path], what: str, lang: str = "ja") -> None:
    """What was written: the count and a few names (a large review writes hundreds of files)."""
    for path in paths[:3]:
        say(f"  {path.name}", err=True)
    if len(paths) > 3:
        say(in_lang(lang, f"  ほか {len(paths) - 3} ファイル", f"  and {len(paths) - 3} more file(s)"), err=True)
    say(what, err=True)


def _removed(paths: list[Path], lang: str) -> None:
    _tell(paths, in_lang(lang, f"前回の実行で書き、今回は書かないファイル {len(paths)} 件を消しました。",
                         f"Removed {len(paths)} file(s) an earlier run wrote that this run does not write."), lang)


@click.command("certificate")
@policy_option
@fiscal_year_option
@click.option("--staff", "staff_id", metavar="ID", help="この職員の認定証だけを作る（職員番号）")
@certificate_out_option
@click.option("--no-pdf", is_flag=True, help="PDF を作らず HTML だけを書く（Chromium を使わない）")
@lang_option(what="認定証")
@db_option
@click.pass_context
def certificate_cmd(ctx: click.Context, policy: str, fiscal_year: int, staff_id: str | None, out_dir: Path,
                    no_pdf: bool, lang: str) -> None:
    """認定証: その年度の審査で認定された区分ごとに1枚（A4）を、印刷用の HTML と PDF で書き
    ます。認定番号、所属、氏名、認定区分、認定基準の引用、有効期間、和暦の認定日、発行者
    （規則ファイルの certificate:）が載ります。保持（以前の年度の認定）と取り消された
    認定には作りません。--lang en で英語の認定証を書きます（日付は ISO、年度は FY2025）。

    \b
    ファイル（--out のフォルダに）:
      認定証_<職員番号>_<認定区分>.html / .pdf   1枚ずつ
      認定証_<方針>_<年度>_全件.html / .pdf      全員分をまとめて印刷する用
      （--lang en: certificate_<職員番号>_<認定区分ID>, certificates_<方針>_<年度>_all）
    PDF は Chromium で作ります。Chromium がなければ HTML だけを書き、そう告げて終了コード 1
    で終わります（--no-pdf なら HTML だけで 0）。

    フォルダには今回の実行の分だけが残ります。前回このコマンドが書き（.nintei-certificates.json
    に記録し）、今回は書かないファイル（取り消された認定の認定証など）は消します。それ以外の
    ファイルは消しません。記録にない認定証らしいファイルがあれば、何も書かず何も消さずに
    終了コード 1 で、そのファイルを示します。

    \b
    例:
      nintei certificate --policy moka --fiscal-year 令和7年度 --out 認定証/
      nintei certificate -p moka -y R7 --staff 11002 --out 認定証/
      nintei certificate -p moka -y R7 --lang en --out certificates/
    """
    from engine.certificate import write_certificates
    from engine.grants import granted

    check_out_dir(ctx, out_dir)
    db = open_db(ctx)
    review = granted(db, policy, fiscal_year, staff_id=staff_id)
    written = write_certificates(review, out_dir, pdf=not no_pdf, lang=lang)
    if written.removed:
        _removed(written.removed, lang)
    if not review.grants:
        who = in_lang(lang, f"職員 {staff_id} は", f"staff {staff_id}: ") if staff_id else ""
        say(in_lang(lang, f"{who}この審査（実行番号 {review.run_id}）で新たに認定された区分はありません。認定証は作りません。",
                    f"{who}this review (run {review.run_id}) granted no new certification: no certificate is made."),
            err=True)
        return
    files = written.html + written.pdf
    _tell([p for p in files if p.stem.endswith(("_全件", "_all"))] or files,
          in_lang(lang, f"認定証 {len(review.grants)} 枚を {out_dir} に書き出しました"
                        f"（HTML {len(written.html)} ファイル、PDF {len(written.pdf)} ファイル）。",
                  f"Wrote {len(review.grants)} certificate(s) to {out_dir} ({len(written.html)} HTML file(s), "
                  f"{len(written.pdf)} PDF file(s))."), lang)
    if written.no_pdf_reason:
        say(in_lang(lang, f"PDF は作れませんでした: {written.no_pdf_reason}",
                    f"No PDF could be made: {written.no_pdf_reason}"), err=True)
        say(in_lang(lang, "HTML をブラウザで開いて印刷するか、Chromium を入れてもう一度実行してください"
                          "（HTML だけでよければ --no-pdf）。",
                    "Open the HTML in a browser and print it, or install Chromium and run again "
                    "(--no-pdf for HTML only)."), err=True)
        ctx.exit(1)


@click.command("badges")
@policy_option
@fiscal_year_option
@out_dir_option
@click.option("--key", "key_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="署名に使う発行者（自治体）の秘密鍵（PEM。RSA 2048 ビット以上・P-256・Ed25519）。"
                   "暗号化された鍵のパスワードは環境変数 NINTEI_KEY_PASSWORD")
@click.option("--key-id", metavar="URL", default=None,
              help="自治体が公開鍵（書き出す 発行者公開鍵.jwk.json）を公開する URL。JWT のヘッダーの kid。--key のとき必須")
@click.option("--issuer-id", metavar="URI", default=None,
              help="発行者の id（自治体の URL や DID）。--key のとき必須。既定: urn:nintei:issuer:<方針>")
@click.option("--status-url", metavar="URL", default=None, callback=lambda ctx, param, value: _status_url(ctx, value),
              help="自治体が失効リスト（書き出す 失効リスト.json）を公開する URL。各バッジにその中の位置が入り、"
                   "取り消された認定（revoke・上書き・再審査）のバッジは失効と示されます")
@lang_option(what="メッセージ")
@db_option
@click.pass_context
def badges_cmd(ctx: click.Context, policy: str, fiscal_year: int, out_dir: Path, key_path: Path | None,
               key_id: str | None, issuer_id: str | None, status_url: str | None, lang: str) -> None:
    """オープンバッジ（Open Badges 3.0）: その年度の審査で認定された区分ごとに1つの
    OpenBadgeCredential（JSON-LD）を書きます。受け取る職員は、その職員の受領者コード（職員ごとの
    ランダムな秘密のコード）の salt 付きハッシュで示し、職員番号はファイルのどこにも書きません。
    受領者コードは 受領者コード.csv（事務担当者用。公開しない）にあり、バッジと一緒に本人に渡します。年度ごとの認定には有効期限（年度末
    3月31日）が付きます。--key を付けると、自治体の鍵で署名したもの（VC-JWT）も書きます
    （docs/certificates.md）。

    \b
    ファイル（--out のフォルダに）: バッジ_<職員番号>_<認定区分>.json、受領者コード.csv
    --key のとき、さらに: バッジ_<職員番号>_<認定区分>.jwt（署名付き）、発行者公開鍵.jwk.json
    --status-url のとき、さらに: 失効リスト.json（--key のとき 失効リスト.jwt も）。
    認定を取り消したら同じコマンドをもう一度実行し、新しい 失効リスト を公開し直します。

    \b
    例:
      nintei badges --policy moka --fiscal-year 令和7年度 --out バッジ/
      nintei badges -p moka -y R7 --out バッジ/ --key 真岡市鍵.pem --issuer-id https://www.city.moka.lg.jp/
        --key-id https://www.city.moka.lg.jp/nintei/発行者公開鍵.jwk.json
        --status-url https://www.city.moka.lg.jp/nintei/status-2025.json
    """
    from engine import badge_status, recipients
    from engine.badges import PUBLIC_KEY_FILE, issuer_profile, write_badges
    from engine.grants import granted

    check_out_dir(ctx, out_dir)
    if key_id and key_path is None:
        raise click.UsageError("--key-id は --key と一緒に使います", ctx)
    key = _signing_key(ctx, key_path, key_id, issuer_id) if key_path is not None else None
    db = open_db(ctx)
    review = granted(db, policy, fiscal_year)
    status = None
    if status_url is not None:
        status = badge_status.preparer(db, status_url, review,
                                       lambda: issuer_profile(review, issuer_id).model_dump(exclude_none=True))
        if key is None:
            say(in_lang(lang, "注意: --key がないため 失効リスト.json は署名なしです。検証者の多くは署名のない失効リストを"
                              "確かめられません（自治体の署名の手順で署名するか、--key を付けてください）。",
                        "Note: without --key the status list 失効リスト.json is unsigned; most verifiers cannot check "
                        "an unsigned list (sign it by the municipality's own procedure, or give --key)."), err=True)
    written = write_badges(review, out_dir, lambda staff: recipients.codes_for(db, staff), key, issuer_id, status)
    n = len(review.grants)
    if not review.grants:
        say(in_lang(lang, f"この審査（実行番号 {review.run_id}）で新たに認定された区分はありません。バッジは作りません。",
                    f"This review (run {review.run_id}) granted no new certification: no badge is made."), err=True)
    else:
        signed = in_lang(lang, f"（署名付き VC-JWT {n} 件と公開鍵 {PUBLIC_KEY_FILE} も）",
                         f" (and {n} signed VC-JWT(s) and the public key {PUBLIC_KEY_FILE})") if key is not None else ""
        _tell(written.files, in_lang(lang, f"オープンバッジ {n} 件{signed}を {out_dir} に書き出しました。"
                                           f"受領者コード.csv のコードをバッジと一緒に本人に渡してください（公開しないこと）。",
                                     f"Wrote {n} Open Badge(s){signed} to {out_dir}. Hand each staff member the code in "
                                     f"受領者コード.csv with their badge (do not publish it)."), lang)
    if written.status_list is not None:
        say(in_lang(lang, f"失効リスト {written.status_list.name}（失効 {written.revoked:,} 件）を書きました。"
                          f"{status_url} に公開してください。",
                    f"Wrote the status list {written.status_list.name} ({written.revoked:,} revoked); publish it at "
                    f"{status_url}."), err=True)
    if written.removed:
        _removed(written.removed, lang)


def _status_url(ctx: click.Context, value: str | None) -> str | None:
    """``--status-url``, checked before anything is read (a usage error, exit 2)."""
    if value is None:
        return None
    from engine.badge_status import normal_url

    try:
        return normal_url(value)
    except ValueError as err:
        raise click.BadParameter(worded(err, ctx), param_hint="--status-url")


def _signing_key(ctx: click.Context, key_path: Path, key_id: str | None, issuer_id: str | None):
    """The municipality's key for ``badges --key``: with where its public key is published and who
    the issuer is (without them a signed badge proves nothing about who issued it); an encrypted
    key's password asked on a terminal when $NINTEI_KEY_PASSWORD does not hold it."""
    from engine.badge_signing import PASSWORD_ENV, is_encrypted, load_signing_key, readable_by_others

    missing = [name for name, value in (("--key-id", key_id), ("--issuer-id", issuer_id)) if not value]
    if missing:
        raise click.UsageError(f"--key で署名するときは {' と '.join(missing)} も指定してください（公開鍵を公開する URL と"
                               "自治体の URL・DID: 検証する人が、署名した鍵が自治体のものだと確かめるため）", ctx)
    password = None
    if is_encrypted(key_path) and not os.environ.get(PASSWORD_ENV) and sys.stdin.isatty():
        password = click.prompt(f"{key_path} のパスワード", hide_input=True, err=True)
    if readable_by_others(key_path):
        say(f"注意: 秘密鍵 {key_path} を本人以外も読めます（chmod 600 {key_path} で本人だけに）。", err=True)
    return load_signing_key(key_path, key_id, password)
