//! 月度统计资料 — the monthly pack (QUAL-3): the month's statistics of every module as sheets.
//! The same sheets are printed on A4 (the UI), written as one XLSX workbook ([`workbook`], a
//! sheet per module, written by the office worker, `crate::office`) and as CSVs (through
//! `sync::csv`, which neutralises formula injection). Each module's sheet comes from that
//! module's own report function; this file only lays them out.

use super::dashboard::{show, Row};
use super::survey::Survey;
use super::{arrears::ArrearsMonth, pct};
use crate::domain::complaints::report::MonthReport;

/// One sheet of the pack.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// The sheet's name in the workbook and the CSV's file name (≤ 31 characters, no `[]:*?/\`).
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn new(name: &str, headers: &[&str], rows: Vec<Vec<String>>) -> Self {
        let clean: String = name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        Sheet {
            name: clean,
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }
    /// A module's CSV table (its own `csv()` function) as a sheet.
    pub fn from_table(name: &str, table: (Vec<&'static str>, Vec<Vec<String>>)) -> Self {
        Sheet::new(name, &table.0, table.1)
    }
    pub fn header_refs(&self) -> Vec<&str> {
        self.headers.iter().map(String::as_str).collect()
    }
}

/// QUAL-2 targets as the pack's first sheet.
pub fn targets_sheet(rows: &[Row], paid_goal: u32) -> Sheet {
    Sheet::new(
        "质量目标",
        &["目标", "本月", "本年", "目标值", "达标"],
        rows.iter()
            .map(|r| {
                vec![
                    r.target.label().zh,
                    show(r.target, r.month),
                    show(r.target, r.year),
                    r.target.goal_text(paid_goal).zh,
                    match r.met {
                        Some(true) => "达标".into(),
                        Some(false) => "未达标".into(),
                        None => "—".into(),
                    },
                ]
            })
            .collect(),
    )
}

/// CB-1 rates of the month (from the complaints module's report).
pub fn callbacks_sheet(r: &MonthReport) -> Sheet {
    Sheet::new(
        "回访",
        &["回访类别", "应回访", "已回访", "回访率", "目标"],
        r.callbacks
            .iter()
            .map(|c| {
                vec![
                    c.kind.label().zh,
                    c.scheduled.to_string(),
                    c.done.to_string(),
                    pct(c.rate()),
                    c.target
                        .map(|t| format!("{t}%"))
                        .unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
    )
}

/// HELP-6 of the month.
pub fn help_sheet(r: &MonthReport) -> Sheet {
    let mut rows: Vec<Vec<String>> = r
        .help_by_kind
        .iter()
        .map(|(k, n)| vec![k.label().zh, n.to_string()])
        .collect();
    rows.push(vec!["合计".into(), r.help_total.all.to_string()]);
    rows.push(vec!["及时答复".into(), r.help_total.in_time.to_string()]);
    Sheet::new("求助", &["求助类别", "件数"], rows)
}

/// QUAL-1: the surveys' item rates.
pub fn survey_sheet(surveys: &[Survey]) -> Sheet {
    let mut rows = Vec::new();
    for s in surveys {
        let r = s.results();
        for i in &r.items {
            rows.push(vec![
                s.title.clone(),
                i.item.zh.clone(),
                i.satisfied.to_string(),
                i.basic.to_string(),
                i.unsatisfied.to_string(),
                i.unknown.to_string(),
                pct(i.rate),
                if i.under_target() {
                    "未达标"
                } else {
                    "达标"
                }
                .into(),
            ]);
        }
        rows.push(vec![
            s.title.clone(),
            "平均满意率".into(),
            String::new(),
            String::new(),
            String::new(),
            format!("{} 户", r.households),
            pct(r.average),
            if r.average_met() {
                "达标"
            } else {
                "未达标"
            }
            .into(),
        ]);
    }
    Sheet::new(
        "满意度调查",
        &[
            "调查",
            "项目",
            "满意",
            "基本满意",
            "不满意",
            "不了解",
            "满意率",
            "≥85%",
        ],
        rows,
    )
}

/// PAT-7: the month's arrears follow-up.
pub fn arrears_sheet(m: Option<&ArrearsMonth>) -> Sheet {
    let mut rows = Vec::new();
    if let Some(m) = m {
        for r in &m.rows {
            let last = m.contacts.get(&r.unit).and_then(|c| c.last());
            rows.push(vec![
                r.place.clone(),
                r.name.clone(),
                super::arrears::yuan(r.owed_fen),
                r.months.to_string(),
                last.map(|c| c.outcome.label().zh)
                    .unwrap_or_else(|| "未催缴".into()),
                last.and_then(|c| c.promise)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ]);
        }
        rows.push(vec![
            "收费率".into(),
            String::new(),
            super::arrears::yuan(m.outstanding_fen()),
            String::new(),
            pct(m.collection_rate()),
            String::new(),
        ]);
    }
    Sheet::new(
        "欠费催缴",
        &["房号", "业主", "欠费（元）", "月数", "催缴结果", "承诺日期"],
        rows,
    )
}

/// A sheet of (item, figure) lines for a module whose month is a few counts.
pub fn counts_sheet(name: &str, lines: Vec<(String, String)>) -> Sheet {
    Sheet::new(
        name,
        &["项目", "数值"],
        lines.into_iter().map(|(a, b)| vec![a, b]).collect(),
    )
}

/// MOVE-1..10: the move-in month (`movein::month_figures`).
pub fn movein_sheet(lines: Vec<(String, String)>) -> Sheet {
    counts_sheet("入伙", lines)
}

/// A cell that is a plain number is written as a number (so sums work in the spreadsheet);
/// everything else as text (never a formula).
fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    let ok = !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !(t.len() > 1 && t.starts_with('0') && !t.starts_with("0."));
    ok.then(|| t.parse().ok()).flatten()
}

/// QUAL-3: the workbook, one sheet per module (header row in bold), as the office worker's
/// [`crate::office::Workbook`]: the app posts it to the worker, which writes the XLSX bytes
/// (`crate::office::write`, natively tested here).
pub fn workbook(title: &str, sheets: &[Sheet]) -> crate::office::Workbook {
    use crate::office::{Cell, Sheet as OfficeSheet};
    crate::office::Workbook {
        title: title.to_string(),
        sheets: sheets
            .iter()
            .map(|s| {
                OfficeSheet::new(
                    &s.name,
                    s.headers.clone(),
                    s.rows
                        .iter()
                        .map(|row| {
                            row.iter()
                                .map(|v| match number(v) {
                                    Some(n) => Cell::Number(n),
                                    None => Cell::text(v.clone()),
                                })
                                .collect()
                        })
                        .collect(),
                )
            })
            .collect(),
    }
}
