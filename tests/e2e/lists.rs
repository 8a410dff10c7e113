//! Issue 19 end to end: a long 我的待办 is windowed. The training estate's supervisor has more
//! open items than one page (checked natively by
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

/// The demo's customer-service supervisor, whose 我的待办 is the demo's longest (23 items on
/// the demo's day; `the_demo_has_a_todo_list_longer_than_a_page`).
const DEMO_SUPERVISOR: &str = "刘晓梅";
