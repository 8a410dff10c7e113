//! 已过保存期的资料 — the Director's retention review of every record kind (QUAL-4, VIO-9,
//! DUTY-4; moved here from the violations area, which shows it as its retention tab). Each kind
//! is one range read of its kept-until keys (`domain::retention::review_range`), slim rows;
//! grouped by kind with what the Director may do: violations are archived to a file and purged,
//! the duty log is never purged (its records are hash-chained), the rest are listed as due for
//! archive review. Nothing is deleted by itself. Every rule is in `domain::retention`.

use crate::domain::estate::Settings;
use crate::domain::event::RecordKind;
use crate::domain::i18n::Text;
use crate::domain::retention::{archive, purge, review_range, rule, Rule, Tombstone};
use crate::domain::view::{Row, View};
use crate::domain::violations::Violation;
use crate::store::{Filter, Query, Store};
use crate::ui::i18n::t;
use crate::ui::platform::{format_time, now_ms};
use crate::ui::state::{app, ctx, loader, submit, tx, utc_offset};
use leptos::prelude::*;

/// Rows shown per kind (the count says how many more there are).
const SHOWN: u32 = 20;

/// One kind's records past retention: the violations with their exact date (few, full views:
/// the purge needs them), the rest as rows, and how many there are in all.
#[derive(Clone)]
struct Group {
    kind: RecordKind,
    rule: Rule,
    name: Text,
    count: u32,
    violations: Vec<(View, Option<i64>)>,
    rows: Vec<Row>,
}

fn range_query(kind: RecordKind, settings: &Settings, now: i64) -> Option<Query> {
    let (from, to) = review_range(kind, settings, now)?;
    Some(Query::new(kind, Filter::Range(from, to)))
}

/// Violations past their exact kept-until date (their `keep|` month range holds this month's).
async fn violations_past(settings: &Settings, now: i64) -> Vec<(View, Option<i64>)> {
    let Some(q) = range_query(RecordKind::Violation, settings, now) else {
        return vec![];
    };
    app()
        .query(&q)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| {
            let kept = v.state::<Violation>()?.kept_until();
            kept.is_some_and(|k| k <= now).then_some((v, kept))
        })
        .collect()
}

/// QUAL-2 archive compliance: how many records are kept past their date and not yet dealt
/// with (the review list's count, one range count per kind).
pub async fn past_retention_count(settings: &Settings, now: i64) -> u32 {
    let mut n = violations_past(settings, now).await.len() as u32;
    for kind in RecordKind::ALL {
        if kind == RecordKind::Violation {
            continue;
        }
        if let Some(q) = range_query(kind, settings, now) {
            n += app().store.count(&q).await.unwrap_or(0);
        }
    }
    n
}

async fn groups(settings: Settings, now: i64) -> Vec<Group> {
    let mut out = Vec::new();
    for kind in RecordKind::ALL {
        let (r, name) = rule(kind);
        let Some(q) = range_query(kind, &settings, now) else {
            continue;
        };
        let mut g = Group {
            kind,
            rule: r,
            name,
            count: 0,
            violations: vec![],
            rows: vec![],
        };
        if kind == RecordKind::Violation {
            g.violations = violations_past(&settings, now).await;
            g.count = g.violations.len() as u32;
        } else {
            g.count = app().store.count(&q).await.unwrap_or(0);
            if g.count > 0 {
                g.rows = app().store.rows(&q.limit(SHOWN)).await.unwrap_or_default();
            }
        }
        if g.count > 0 {
            out.push(g);
        }
    }
    out
}

fn when(ms: i64) -> String {
    format_time(ms, utc_offset())
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

/// What the Director may do with a kind's records past retention, said in the list.
fn action_note(r: Rule) -> &'static str {
    match r {
        Rule::Violation => "ret.act.purge",
        Rule::Fixed(crate::domain::retention::Class::DutyLog) => "ret.act.duty",
        _ => "ret.act.review",
    }
}

/// The Director's review of records past their retention date, grouped by kind.
#[component]
pub fn RetentionReview() -> impl IntoView {
    let data = loader(|| async {
        let settings = ctx().estate.get_untracked().unwrap_or_default().settings;
        let now = now_ms();
        let groups = groups(settings, now).await;
        let stones: Vec<Tombstone> = app()
            .query(&Query::new(RecordKind::Purged, Filter::Status("purged".into())).limit(200))
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.state::<Tombstone>())
            .collect();
        (groups, stones)
    });
    let purge_one = move |view: View, kept: Option<i64>| {
        leptos::task::spawn_local(async move {
            let events = app()
                .store
                .events_for(view.subject())
                .await
                .unwrap_or_default();
            let (text, hash) = archive(&events);
            crate::ui::platform::download(
                &format!("违章归档-{}.jsonl", view.id.short()),
                "application/x-ndjson",
                text.as_bytes(),
            );
            submit(
                move |a| purge(a, &view, kept, &hash, now_ms()),
                Text::new("已归档并清理", "Archived and purged"),
                || {},
            );
        });
    };
    view! {
        <div class="page-head"><h1 class="page-title">{move || t("ret.title")}</h1></div>
        <p class="muted">{move || t("ret.rule")}</p>
        <p class="muted" data-testid="ret-other">
            {move || t("ret.other")}" "
            {move || ctx().estate.get().unwrap_or_default().settings.retention_other_years}" "
            {move || t("ret.years")}
        </p>
        {move || {
            let (groups, stones) = data.get().unwrap_or_default();
            let due = if groups.is_empty() {
                view! { <div class="card"><p class="empty" data-testid="ret-empty">{move || t("ret.empty")}</p></div> }.into_any()
            } else {
                groups.into_iter().map(|g| {
                    let name = g.name.clone();
                    let note = action_note(g.rule);
                    let more = g.count.saturating_sub((g.rows.len() + g.violations.len()) as u32);
                    view! {
                        <section class="card list" data-testid=format!("ret-group-{}", g.kind.as_str())>
                            <h2 class="section-title">{move || tx(&name)}" · "{g.count}</h2>
                            <p class="muted" data-testid="ret-note">{move || t(note)}</p>
                            {g.violations.into_iter().map(|(view, kept)| {
                                let v2 = view.clone();
                                view! {
                                    <div class="row" data-testid="ret-row">
                                        <span class="row-main">
                                            <strong>{view.title.clone()}</strong>
                                            <span class="muted">{view.subtitle.clone()}" · "{move || t("ret.kept")}" "{when(kept.unwrap_or_default())}</span>
                                        </span>
                                        <button class="btn" data-testid="ret-purge" on:click=move |_| purge_one(v2.clone(), kept)>{move || t("ret.purge")}</button>
                                    </div>
                                }
                            }).collect_view()}
                            {g.rows.into_iter().map(|r| view! {
                                <div class="row" data-testid="ret-row">
                                    <span class="row-main">
                                        <strong>{r.title.clone()}</strong>
                                        <span class="muted">{r.subtitle.clone()}" · "{move || t("ret.created")}" "{when(r.created.wall)}</span>
                                    </span>
                                    <span class="badge">{move || t("ret.due_review")}</span>
                                </div>
                            }).collect_view()}
                            {(more > 0).then(|| view! { <p class="muted">{move || t("ret.more")}" "{more}</p> })}
                        </section>
                    }
                }).collect_view().into_any()
            };
            view! {
                {due}
                <h2 class="section-title">{move || t("ret.purged")}</h2>
                <section class="card list" data-testid="ret-tombstones">
                    {stones.into_iter().map(|s| view! {
                        <div class="row">
                            <span class="row-main">
                                <strong>{s.title.clone()}</strong>
                                <span class="muted">{format_time(s.at, utc_offset())}" · "{s.events}" · SHA-256 "{s.archive.get(..12).unwrap_or_default().to_string()}</span>
                            </span>
                        </div>
                    }).collect_view()}
                </section>
            }
            .into_any()
        }}
    }
}

pub fn pair(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "ret.title" => ("已过保存期的资料（待主任审阅）", "Records past their retention date (for the Director)"),
        "ret.rule" => ("保存期：一般违章1年，重大违章5年，值班记录3年，其他资料按设置，自最后一次记录起算。过期资料不会自动删除。", "Kept: general violations 1 year, major 5 years, duty log 3 years, other records by a setting, from their last entry. Nothing is deleted by itself."),
        "ret.other" => ("其他资料（非违章、非值班记录）保存期限（设置）：", "Other records (not violations, not the duty log) are kept (a setting):"),
        "ret.years" => ("年", "years"),
        "ret.kept" => ("保存至", "Kept until"),
        "ret.created" => ("登记于", "Registered"),
        "ret.empty" => ("没有已过保存期的资料", "Nothing is past its retention date"),
        "ret.purge" => ("归档导出并清理", "Archive to a file and purge"),
        "ret.purged" => ("已清理的资料（记录曾存在，归档文件的校验值）", "Purged records (that they existed, the archive's checksum)"),
        "ret.more" => ("另有（未列出）：", "More not listed:"),
        "ret.due_review" => ("待归档审阅", "Due for archive review"),
        "ret.act.purge" => ("主任可将其归档导出为文件后逐条清理（清理会同步到所有平板，留下清理记录）。", "The Director archives each to a file and purges it (the purge reaches every tablet; a tombstone stays)."),
        "ret.act.duty" => ("值班记录不逐条清理：各条记录前后相连（哈希链），删除一条会破坏整本记录的校验；到期只列出，由主任整本归档。", "The duty log is never purged record by record: its entries are hash-chained and removing one would break the whole log's check; past its date it is listed for the Director to archive as a whole."),
        "ret.act.review" => ("此类资料不逐条清理：列出待主任归档审阅（纸质/电子档案按公司规定处理）。", "Records of this kind are not purged one by one: listed as due for the Director's archive review (paper and files per company rules)."),
        _ => return None,
    })
}
