//! Issue 19 end to end: a long 我的待办 is windowed. The training estate's supervisor has more
//! open items than one page on the demo's Monday (checked natively by
//! `store::rows_tests::the_demo_has_a_todo_list_longer_than_a_page`): the first screen renders
//! one page, the rest come as the list is scrolled, until its end (no sentinel left), and every
//! item of the list is then on the page.

use std::time::Duration;

use crate::foundation::{first_run, sign_in};
use crate::support::*;

/// Rows of one page (`ui::components::PAGE`).
const PAGE: u64 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_todo_list_scrolls_to_its_end() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    // The training estate is made for "today" and its supervisor's list varies with the weekday
    // (19–25 items): run on the day the native test checks.
    app.pin_clock(DEMO_MONDAY_MS).await;
    first_run(&app, "真实小区", "王建国", "2468").await;
    app.click("nav-settings").await;
    app.click("training-enter").await;
    app.wait_testid("training-banner").await;
    sign_in(&app, DEMO_SUPERVISOR, "1234").await;
    app.wait_testid("todo-item").await;
    // The sentinel is an empty element below the first page (present, not "visible").
    app.wait_js(
        "the list's sentinel",
        "return !!document.querySelector('[data-testid=load-more]');",
    )
    .await;

    // The first screen: one page, not the whole list.
    let count = || async {
        app.js(
            "return document.querySelectorAll('[data-testid=todo-item]').length;",
            vec![],
        )
        .await
        .as_u64()
        .unwrap_or(0)
    };
    let first = count().await;
    assert!(
        (1..=2 * PAGE).contains(&first),
        "first screen renders {first} rows"
    );
    app.screenshot("lists-todo-first-page").await;
    // The supervisor's card beside it (CB-1, issue 19): the overdue callbacks counted from the
    // index, the earliest six listed.
    app.wait_js(
        "the supervisor card's six overdue items",
        "return document.querySelectorAll('[data-testid=cmp-supervisor] .todo-item').length === 6;",
    )
    .await;
    let overdue = app
        .js(
            "return Number(document.querySelector('[data-testid=cmp-sup-overdue]').textContent);",
            vec![],
        )
        .await
        .as_u64()
        .unwrap_or(0);
    assert!(overdue > 6, "the card counts every overdue item: {overdue}");

    // Scroll to the end, page by page, until the sentinel is gone.
    let total = app.scroll_list_to_end("todo-item").await;
    assert!(total > first, "scrolling loaded more: {first} → {total}");
    // Every open item is rendered now: as many rows as the list holds.
    let held = app
        .js(
            "return Number(document.querySelector('[data-testid=todo-list]').dataset.count);",
            vec![],
        )
        .await
        .as_u64()
        .unwrap_or(0);
    assert_eq!(total, held, "rows rendered at the end");
    assert!(held > PAGE, "a list longer than a page: {held}");
    app.screenshot("lists-todo-end").await;
}

/// The demo's customer-service supervisor, whose 我的待办 is the demo's longest (25 items on
/// a Monday; `the_demo_has_a_todo_list_longer_than_a_page`).
const DEMO_SUPERVISOR: &str = "刘晓梅";

/// Monday 2026-11-30, 10:00 in Beijing (UTC+8): the day `the_demo_has_a_todo_list_longer_than_a_page`
/// checks. Another weekday can leave the supervisor fewer items than a page.
const DEMO_MONDAY_MS: i64 = 1_796_004_000_000;

/// Issue 19, HELP-6: the 客户求助 list shows the open requests and this and last month's; a
/// closed request of an earlier month is found by choosing its month, which reads that month's
/// rows (the `hlpm|<month>` key), a page at a time. Back on 近期 the recent list returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_help_requests_are_found_by_their_month() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    app.wait_testid("first-run").await;
    app.click("setup-demo").await;
    app.wait_testid("training-banner").await;
    sign_in(&app, DEMO_SUPERVISOR, "1234").await;
    app.wait_testid("todo-list").await;
    crate::foundation::nav(&app, "#/help").await;
    app.wait_css("[data-testid=help-list][data-month=\"\"]")
        .await;

    // The month before last: options are 近期, this month, last month, the one before, …
    let older = app
        .js(
            "return document.querySelector('[data-testid=help-month]').options[3].value;",
            vec![],
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(older.len(), 7, "a month value: {older:?}");
    app.select("help-month", &older).await;
    app.wait_css(&format!("[data-testid=help-list][data-month=\"{older}\"]"))
        .await;
    // Every row shown was received that month (the row's date is MM-DD).
    let days = app
        .js(
            "return Array.from(document.querySelectorAll('[data-testid=help-row] .cmp-when strong')).map(e => e.textContent);",
            vec![],
        )
        .await;
    let days: Vec<String> = days
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    assert!(!days.is_empty(), "the demo has help requests in {older}");
    assert!(
        days.len() as u64 <= 2 * PAGE,
        "one page at first: {}",
        days.len()
    );
    let mm = &older[5..];
    assert!(
        days.iter().all(|d| d.starts_with(&format!("{mm}-"))),
        "rows of {older} only: {days:?}"
    );
    app.screenshot("lists-help-older-month").await;

    // 近期 again: the recent list.
    app.select("help-month", "").await;
    app.wait_css("[data-testid=help-list][data-month=\"\"]")
        .await;
}
