//! Issue 17 end to end (SOP.md §13 TRAIN-1..2, §6 PAID-8): the Director plans a new
//! receptionist's training in the real estate, and the plan is on her 我的待办; in training
//! mode the demo estate is dated today (yesterday's complaints, the supervisor's card of the
//! new demo receptionist) and a lesson — "complaints: register, classify, dispatch" — is worked
//! step by step with its screens; back in the real estate the trainer records the item with
//! the lesson, and the trainee's record and open items change. A private job is recorded
//! against her and the next discipline step moves up.

use std::time::Duration;

use crate::foundation::{first_run, sign_in};
use crate::support::*;

/// Today and yesterday in the estate's calendar (the default: UTC+8).
fn days() -> (String, String) {
    let now = chrono::Utc::now() + chrono::Duration::hours(8);
    let today = now.date_naive();
    (
        today.to_string(),
        (today - chrono::Days::new(1)).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trainee_record_updated_by_the_trainer_after_a_demo_lesson() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    first_run(&app, "真实小区", "王建国", "2468").await;

    // A new receptionist joins.
    app.click("nav-staff").await;
    app.click("staff-add").await;
    app.fill("staff-name", "李娜").await;
    app.fill("staff-phone", "13800001111").await;
    app.click("role-Receptionist").await;
    app.select("staff-dept", "CustomerService").await;
    app.fill("staff-pin", "1357").await;
    app.click("staff-save").await;
    app.wait_testid_gone("staff-save").await;

    // TRAIN-1/2: the Director plans her training from the matrix of her role.
    app.click("nav-training").await;
    app.wait_testid("trn-rates").await;
    app.click_css("[data-testid=trn-person][data-name=\"李娜\"]")
        .await;
    app.wait_testid("trn-person-page").await;
    app.click("trn-plan").await;
    app.wait_testid_text("trn-open-count", "项未完成").await;
    let open_before: u32 = app
        .text("trn-open-count")
        .await
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("open count");
    assert!(open_before >= 15, "a receptionist's items: {open_before}");

    // Her 我的待办 carries the plan.
    app.click("switch-user").await;
    sign_in(&app, "李娜", "1357").await;
    app.wait_testid_text("todo-list", "岗位培训").await;
    app.screenshot("training-trainee-home").await;

    // Training mode: the demo estate lives today.
    app.click("switch-user").await;
    sign_in(&app, "王建国", "2468").await;
    app.wait_testid("todo-list").await;
    app.click("nav-settings").await;
    app.click("training-enter").await;
    app.wait_testid("training-banner").await;
    sign_in(&app, "刘晓梅", "1234").await;
    app.wait_testid("todo-list").await;
    // The supervisor's card: the demo's new receptionist still has open items.
    app.wait_testid_text("trn-home-card", "孙悦").await;
    let (today, yesterday) = days();
    app.click("nav-complaints").await;
    app.wait_text(&yesterday).await;
    app.click("nav-training").await;
    app.click("trn-tab-lessons").await;
    app.wait_testid_text("trn-demo-day", &today).await;

    // The lesson, step by step; a step's link opens its screen and the lesson keeps its place.
    app.click("trn-lesson-start-complaints-intake").await;
    app.wait_testid("trn-lesson-run").await;
    app.click("trn-step-0").await;
    app.click("trn-step-open-0").await;
    app.wait_testid("nav-complaints").await;
    app.click("nav-training").await;
    app.click("trn-tab-lessons").await;
    app.wait_testid("trn-lesson-run").await;
    app.click("trn-lesson-finish").await;
    app.wait_text("请先完成每一步").await;
    for i in 1..4 {
        app.click(&format!("trn-step-{i}")).await;
    }
    app.click("trn-lesson-finish").await;
    app.wait_testid("trn-lesson-done").await;
    app.screenshot("training-lesson-done").await;

    // Back in the real estate, the trainer records the item with the lesson (TRAIN-2).
    app.click("training-exit").await;
    app.wait_testid("signin-list").await;
    sign_in(&app, "王建国", "2468").await;
    app.wait_testid("todo-list").await;
    app.click("nav-training").await;
    app.click_css("[data-testid=trn-person][data-name=\"李娜\"]")
        .await;
    app.wait_testid("trn-form").await;
    app.select("trn-form-item", "complaints").await;
    app.select("trn-form-lesson", "complaints-intake").await;
    app.click("trn-form-pass").await;
    app.fill("trn-form-note", "演示课程后现场考核合格").await;
    app.click("trn-form-save").await;
    app.wait_testid_text("trn-history", "投诉处理程序").await;
    app.wait_testid_text("trn-history", "王建国").await;
    let row = "[data-testid=trn-item-row][data-key=complaints]";
    app.poll(
        "the item passed with its lesson",
        Duration::from_secs(20),
        || async {
            let t = app.by_css(row).await.text().await.unwrap_or_default();
            (t.contains("合格") && t.contains("投诉：登记、分类、派单")).then_some(())
        },
    )
    .await;
    let want = format!("{} 项未完成", open_before - 1);
    app.wait_testid_text("trn-open-count", &want).await;
    app.screenshot("training-record").await;

    // PAID-8: a private job — the first step is a 200 fine, the next a fine and a transfer.
    app.click("nav-staff").await;
    app.click("staff-discipline").await;
    app.wait_testid("dis-form").await;
    app.select("dis-person", "李娜").await;
    app.click("dis-offence-PrivateJob").await;
    app.wait_testid_text("dis-next", "罚款 200.00").await;
    app.fill("dis-what", "工作时间私自为住户保洁并收费").await;
    app.click("dis-save").await;
    app.wait_testid("dis-fine-row").await;
    app.wait_testid_text("dis-total", "200.00").await;
    app.wait_testid_text("dis-next", "罚款并调岗").await;
    app.screenshot("training-discipline").await;
}
