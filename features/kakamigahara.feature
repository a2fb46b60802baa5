# language: ja
機能: 各務原市 デジタル人材の専門性区分
  各務原市デジタル人材育成方針の「専門性ごとに必要となるスキル」(rules/kakamigahara.yaml) を、
  職員名簿・スキル評価・研修受講・役割（デジタル推進員の任命）の事実から年度ごとに審査する。
  専門性が上の区分は下の区分のスキルもすべて習得していることが前提となる。

  背景:
    前提 方針 "kakamigahara"

  ルール: general 「一般職員には、自らが行う業務で使用するシステム等を円滑に利用するスキル…が求められます。」

    シナリオ: 一般職員の5つのスキルをすべて習得した職員は一般職員に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル             | レベル | 評価者     |
        | 40001    | 2024 | kakamigahara   | dx_knowledge       | 習得   | 情報推進課 |
        | 40001    | 2024 | kakamigahara   | ict_knowledge      | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work   | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | security_knowledge | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "認定" である

    シナリオ: OAスキル・グループウェア活用スキルを習得していなければ一般職員に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル             | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | dx_knowledge       | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | ict_knowledge      | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work   | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | security_knowledge | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "非認定" である
      かつ 説明に "「OAスキル、グループウェア活用スキル」" が含まれる

    シナリオ: 研修から導かれたセキュリティ知識とDX知識で一般職員に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル           | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | ict_knowledge    | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware     | 習得   | 情報推進課 |
      かつ 研修受講:
        | 職員番号 | 研修名                       | 修了日         |
        | 40001    | 情報セキュリティ研修（基礎） | 令和7年6月30日 |
        | 40001    | DXマインドアップ研修         | R7.9.12        |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "認定" である
      かつ 満たした条件に "DXマインドアップ研修" が含まれる
      かつ 満たした条件に "「DX知識（基礎・リーダー向け）」" が含まれる
      かつ 満たした条件に "「ネットワーク、情報セキュリティ知識」" が含まれる

    シナリオ: 令和8年3月31日に修了した研修は令和7年度の研修として数える
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル           | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | dx_knowledge     | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | ict_knowledge    | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware     | 習得   | 情報推進課 |
      かつ 研修受講:
        | 職員番号 | 研修名                       | 修了日     |
        | 40001    | 情報セキュリティ研修（基礎） | 2026-03-31 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "認定" である

    シナリオ: 令和8年4月1日に修了した研修は令和7年度の審査では数えない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル           | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | dx_knowledge     | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | ict_knowledge    | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware     | 習得   | 情報推進課 |
      かつ 研修受講:
        | 職員番号 | 研修名                       | 修了日        |
        | 40001    | 情報セキュリティ研修（基礎） | 令和8年4月1日 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "非認定" である
      かつ 説明に "「ネットワーク、情報セキュリティ知識」" が含まれる

    シナリオ: 令和8年度のスキル評価は令和7年度の審査では使わない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
        | 40001    | 2026 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル             | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | dx_knowledge       | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work   | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | security_knowledge | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware       | 習得   | 情報推進課 |
        | 40001    | 2026 | kakamigahara   | ict_knowledge      | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "非認定" である
      かつ 説明に "「ICT知識」" が含まれる

    シナリオ: 理解レベルにとどまるスキル評価は習得とみなさず一般職員に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル             | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | dx_knowledge       | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | ict_knowledge      | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | security_knowledge | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware       | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work   | 理解   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "非認定" である
      かつ 説明に "「デジタル技術による改善（担当業務）」" が含まれる

    シナリオ: 前年度に一般職員と認定されていても毎年度審査され保持にはならない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル             | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | dx_knowledge       | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | ict_knowledge      | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work   | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | security_knowledge | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware       | 習得   | 情報推進課 |
      かつ 認定履歴:
        | 職員番号 | policy       | certification | 認定年度  |
        | 40001    | kakamigahara | general       | 令和6年度 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "認定" である

    シナリオ: 前年度の認定履歴があってもスキルが欠ければ一般職員に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル             | レベル | 評価者     |
        | 40001    | 2025 | kakamigahara   | ict_knowledge      | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | improve_own_work   | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | security_knowledge | 習得   | 情報推進課 |
        | 40001    | 2025 | kakamigahara   | oa_groupware       | 習得   | 情報推進課 |
      かつ 認定履歴:
        | 職員番号 | policy       | certification | 認定年度  |
        | 40001    | kakamigahara | general       | 令和6年度 |
      もし 令和7年度の審査を行う
      ならば 職員 "40001" の "general" は "非認定" である
      かつ 説明に "「DX知識（基礎・リーダー向け）」" が含まれる

    シナリオ: 二つの研修に当てはまる研修名は取り込みで拒否される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40001    | 2025 | 鵜沼 一郎 | 市民課 | 主事 |
      かつ 研修受講:
        | 職員番号 | 研修名     | 修了日         |
        | 40001    | アップ研修 | 令和7年6月30日 |
      もし 事実を取り込む
      ならば 取り込みは "アップ研修" を示して拒否される

  ルール: digital_promoter 「デジタル推進員（各課から選出された課長以下の職員）には、係内あるいは課内という幅広い視野で課題解決を行うためにデジタル技術を効果的に活用できるスキル…が求められます。」

    シナリオ: 令和7年度に任命されたデジタル推進員が10のスキルをすべて習得していれば認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2025 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "認定" である
      かつ 職員 "40002" の "general" は "認定" である

    シナリオ: デジタルスキルアップ研修からデータサイエンスとUI・UXデザインが導かれデジタル推進員に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
      かつ 研修受講:
        | 職員番号 | 研修名                   | 修了日          |
        | 40002    | デジタルスキルアップ研修 | 令和7年11月20日 |
      かつ 役割:
        | 職員番号 | 年度      | 役割           |
        | 40002    | 令和7年度 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "認定" である
      かつ 満たした条件に "デジタルスキルアップ研修" が含まれる
      かつ 満たした条件に "「UI・UXデザイン」" が含まれる

    シナリオ: UI・UXデザインを習得していなければデジタル推進員に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2025 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である
      かつ 説明に "「UI・UXデザイン」" が含まれる
      かつ 職員 "40002" の "general" は "認定" である

    シナリオ: 一般職員のスキルであるICT知識が欠ければデジタル推進員にも認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2025 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である
      かつ 説明に "「ICT知識」" が含まれる
      かつ 職員 "40002" の "general" は "非認定" である

    シナリオ: デジタル推進員に任命されていない職員は10のスキルがそろってもデジタル推進員に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である
      かつ 職員 "40002" の "general" は "認定" である

    シナリオ: 令和6年度だけ任命されたデジタル推進員は令和7年度には認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2024 | 那加 花子 | 税務課 | 主任 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2024 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である

    シナリオ: 令和8年度の任命は令和7年度の審査では使わない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
        | 40002    | 2026 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2026 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である

    シナリオ: 前年度にデジタル推進員と認定されていても令和7年度に任命がなければ認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40002    | 2024 | 那加 花子 | 税務課 | 主任 |
        | 40002    | 2025 | 那加 花子 | 税務課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2024 | デジタル推進員 |
      かつ 認定履歴:
        | 職員番号 | policy       | certification    | 認定年度 |
        | 40002    | kakamigahara | digital_promoter | 2024     |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である

    シナリオ: 部長級の職員は任命されスキルがそろっていても課長以下ではないためデジタル推進員に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40002    | 2025 | 那加 花子 | 都市計画部 | 部長 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2025 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "非認定" である
      かつ 職員 "40002" の "general" は "認定" である

    シナリオ: 課長は課長以下の職員に含まれデジタル推進員に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40002    | 2025 | 那加 花子 | 環境政策課 | 課長 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40002    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40002    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
      かつ 役割:
        | 職員番号 | 年度 | 役割           |
        | 40002    | 2025 | デジタル推進員 |
      もし 令和7年度の審査を行う
      ならば 職員 "40002" の "digital_promoter" は "認定" である

  ルール: advanced_specialist 「高度専門人材には、部局をまたいだ課題解決を行うスキルが求められます。専門性が上に分類される職員は、下に分類される職員が必要となるスキルについても、習得していることが前提となります。」

    シナリオ: 情報推進課の職員が13のスキルをすべて習得していれば高度専門人材に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 情報推進課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_knowledge               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | data_science                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "認定" である
      かつ 職員 "40003" の "general" は "認定" である
      かつ 職員 "40003" の "digital_promoter" は "非認定" である

    シナリオ: 所属が総務部 情報推進課と書かれていても情報推進課として高度専門人材に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属              | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 総務部 情報推進課 | 係長 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_knowledge               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | data_science                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "認定" である

    シナリオ: 研修から導かれたスキルを含めて13のスキルがそろえば高度専門人材に認定される
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 情報推進課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      かつ 研修受講:
        | 職員番号 | 研修名                       | 修了日          |
        | 40003    | 情報セキュリティ研修（基礎） | 令和6年5月20日  |
        | 40003    | デジタルスキルアップ研修     | 令和7年10月15日 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "認定" である
      かつ 満たした条件に "デジタルスキルアップ研修" が含まれる
      かつ 満たした条件に "「データサイエンス」" が含まれる

    シナリオ: 全庁のデジタル技術の選択・導入・運用管理のスキルが欠ければ高度専門人材に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 情報推進課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_knowledge               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | data_science                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "非認定" である
      かつ 説明に "「デジタル技術の選択、導入、運用管理（全庁）」" が含まれる

    シナリオ: デジタル推進員のスキルであるデータサイエンスが欠ければ高度専門人材に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 情報推進課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_knowledge               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "非認定" である
      かつ 説明に "「データサイエンス」" が含まれる

    シナリオ: 一般職員のスキルである情報セキュリティ知識が欠ければ高度専門人材に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 情報推進課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | data_science                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "非認定" である
      かつ 説明に "「ネットワーク、情報セキュリティ知識」" が含まれる
      かつ 職員 "40003" の "general" は "非認定" である

    シナリオ: 情報推進課以外の所属では13のスキルがそろっても高度専門人材に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属   | 職級 |
        | 40003    | 2025 | 蘇原 健太 | 人事課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_knowledge               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | data_science                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "非認定" である
      かつ 説明に "情報推進課" が含まれる

    シナリオ: 令和6年度に情報推進課にいても令和7年度に異動した職員は高度専門人材に認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2024 | 蘇原 健太 | 情報推進課 | 主任 |
        | 40003    | 2025 | 蘇原 健太 | 企画課     | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                           | レベル | 評価者     |
        | 40003    | 2024 | kakamigahara   | dx_knowledge                     | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | ict_knowledge                    | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | improve_own_work                 | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | security_knowledge               | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | oa_groupware                     | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | improve_department               | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | security_management_department   | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | tech_adoption_department         | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | data_science                     | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | ui_ux_design                     | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | improve_organization             | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | security_governance_organization | 習得   | 情報推進課 |
        | 40003    | 2024 | kakamigahara   | tech_adoption_organization       | 習得   | 情報推進課 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "非認定" である
      かつ 職員 "40003" の "general" は "認定" である

    シナリオ: 前年度に高度専門人材と認定されていてもスキルが欠ければ保持とはならず認定されない
      前提 職員名簿:
        | 職員番号 | 年度 | 氏名      | 所属       | 職級 |
        | 40003    | 2024 | 蘇原 健太 | 情報推進課 | 主任 |
        | 40003    | 2025 | 蘇原 健太 | 情報推進課 | 主任 |
      かつ スキル評価:
        | 職員番号 | 年度 | フレームワーク | スキル                         | レベル | 評価者     |
        | 40003    | 2025 | kakamigahara   | dx_knowledge                   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ict_knowledge                  | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_own_work               | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_knowledge             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | oa_groupware                   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_department             | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | security_management_department | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_department       | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | data_science                   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | ui_ux_design                   | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | improve_organization           | 習得   | 情報推進課 |
        | 40003    | 2025 | kakamigahara   | tech_adoption_organization     | 習得   | 情報推進課 |
      かつ 認定履歴:
        | 職員番号 | policy       | certification       | 認定年度  |
        | 40003    | kakamigahara | advanced_specialist | 令和6年度 |
      もし 令和7年度の審査を行う
      ならば 職員 "40003" の "advanced_specialist" は "非認定" である
      かつ 説明に "「ネットワーク、情報セキュリティ管理統括（全庁）」" が含まれる
