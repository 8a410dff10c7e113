//! Complaints, callbacks and help requests (issue 3; SOP §3 CMP, §4 CB, §10 HELP), clicked
//! through by the demo estate's staff in their own roles: the receptionist registers, the
//! supervisor dispatches, the engineering lead handles and closes, the callback is refused to
//! an assistant (an important complaint is the supervisor's, CMP-10) and the supervisor's
//! unsatisfied callback reopens it; a duplicate is linked (CMP-11); an anonymous complaint is
//! closed with a written reply; a medical help request runs the 120 path (HELP-3).

use crate::foundation::{nav, sign_in, switch};
use crate::support::App;
use std::time::Duration;

/// First run → the demo estate in training mode, signed in as `name` (PIN 1234).
async fn demo(name: &str) -> App {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    app.wait_testid("first-run").await;
    app.click("setup-demo").await;
    app.wait_testid("training-banner").await;
    sign_in(&app, name, "1234").await;
    app.wait_testid("todo-list").await;
    app.timeout = Duration::from_secs(30);
    app
}

async fn open_complaint(app: &App, what: &str) {
    nav(app, "#/complaints").await;
    app.click("cmp-filter-cmp.f.all").await;
    // The rows of the new filter load asynchronously: tap only in the list they replace.
    app.wait_css("[data-testid=cmp-list][data-filter=all]")
        .await;
    app.click_css(&format!("[data-testid=cmp-row][data-what=\"{what}\"]"))
        .await;
    app.wait_testid("cmp-detail").await;
}

async fn register(app: &App, unit: Option<&str>, subject: &str, what: &str) {
    nav(app, "#/complaints/new").await;
    app.wait_testid("cmp-form").await;
    app.click("cmp-ch-phone").await;
    match unit {
        Some(u) => {
            app.fill("cmp-unit", u).await;
            app.click("cmp-unit-hit").await;
            app.wait_testid("cmp-picked").await;
        }
        None => {
            app.click("cmp-anon").await;
            app.wait_testid("cmp-anon-on").await;
        }
    }
    app.click(&format!("cmp-sub-{subject}")).await;
    app.fill("cmp-what", what).await;
    app.fill("cmp-asks", "尽快处理").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complaint_dispatch_close_callback_unsatisfied_reopens_and_duplicate_links() {
    let app = demo("吴静").await; // 前台接待员
    let what = "E2E 电梯异响停顿";
    register(&app, Some("1201"), "facilities", what).await;
    app.screenshot("complaints-register").await;
    app.click("cmp-save").await;
    app.wait_css(&format!(
        "[data-testid=cmp-row][data-what=\"{what}\"][data-status=registered]"
    ))
    .await;

    // CMP-11: the same matter again, from the same unit: linked to the open first one.
    let again = "E2E 电梯又响了（再次投诉）";
    register(&app, Some("1201"), "facilities", again).await;
    app.wait_testid("cmp-dup").await;
    app.click("cmp-dup-pick").await;
    app.click("cmp-save").await;
    app.click("cmp-filter-cmp.f.all").await;
    app.wait_css(&format!(
        "[data-testid=cmp-row][data-what=\"{again}\"][data-status=linked]"
    ))
    .await;
    // Issue 19: the month's page, newest first, read by key.
    app.screenshot("complaints-list-all").await;

    // A receptionist does not dispatch (CMP-5): no button.
    open_complaint(&app, what).await;
    app.wait_testid("cmp-raised-again").await;
    assert!(app.try_testid("cmp-dispatch").await.is_none());

    // The supervisor classifies (definitions beside the choice) and dispatches (CMP-3..6).
    switch(&app, "刘晓梅").await;
    open_complaint(&app, what).await;
    app.click("cmp-dispatch").await;
    app.wait_testid("cmp-classes").await;
    app.click("cmp-class-important").await;
    app.click("cmp-urg-general").await;
    app.select("cmp-dept", "Engineering").await;
    app.select("cmp-handler", "马国庆").await;
    app.screenshot("complaints-dispatch").await;
    app.click("cmp-dispatch-save").await;
    app.wait_testid_text("cmp-status", "已派单").await;

    // The engineering lead sees it on 我的待办, accepts, contacts, closes (CMP-4/8/9).
    switch(&app, "马国庆").await;
    app.wait_testid_text("todo-list", "设施设备").await;
    // Tapping the item on 我的待办 opens the complaint itself.
    app.click_css(&format!(
        "[data-testid=todo-item][data-kind=complaint][data-text*=\"{what}\"]"
    ))
    .await;
    app.wait_testid_text("cmp-status", "已派单").await;
    app.click("cmp-accept").await;
    app.wait_testid_text("cmp-status", "处理中").await;
    app.fill("cmp-note", "已电话联系，约今天下午检修").await;
    app.click("cmp-contacted").await;
    app.wait_testid_text("cmp-timeline", "已联系客户").await;
    app.click("cmp-close").await;
    app.fill("cmp-cause", "门锁触点老化").await;
    app.fill("cmp-measures", "更换触点并检修").await;
    app.fill("cmp-result", "已恢复正常").await;
    app.click("cmp-rate-satisfied").await;
    app.click("cmp-mode-phone").await;
    app.select("cmp-caller", "刘晓梅").await;
    app.click("cmp-close-save").await;
    app.wait_testid_text("cmp-status", "已处理待回访").await;
    app.wait_testid("cmp-report").await;
    app.screenshot("complaints-detail").await;

    // CMP-10: an important complaint is called back by a supervisor; an assistant is refused.
    switch(&app, "王丽").await;
    nav(&app, "#/callbacks").await;
    // The queue is windowed (issue 19): this callback may be below the first page.
    app.scroll_list_to(&format!("[data-testid=cb-row][data-topic=\"{what}\"]"))
        .await;
    app.click_css(&format!("[data-testid=cb-row][data-topic=\"{what}\"]"))
        .await;
    app.click("cb-mode-phone").await;
    app.click("cb-rate-satisfied").await;
    app.click("cb-save").await;
    app.wait_testid_text("toast", "客服主管").await;

    // The supervisor's callback finds the customer unsatisfied: the complaint reopens.
    switch(&app, "刘晓梅").await;
    nav(&app, "#/callbacks").await;
    // The queue is windowed (issue 19): this callback may be below the first page.
    app.scroll_list_to(&format!("[data-testid=cb-row][data-topic=\"{what}\"]"))
        .await;
    app.click_css(&format!("[data-testid=cb-row][data-topic=\"{what}\"]"))
        .await;
    app.click("cb-mode-phone").await;
    app.click("cb-rate-unsatisfied").await;
    app.fill("cb-comment", "客户说还有异响").await;
    app.click("cb-save").await;
    app.wait_testid_text("toast", "回访已记录").await;
    open_complaint(&app, what).await;
    app.wait_testid_text("cmp-status", "处理中").await;
    app.wait_text("回访不满意重新处理").await;
    // The callback waits for the supervisor's review (CB-3).
    nav(&app, "#/callbacks").await;
    app.click("cb-filter-cb.f.review").await;
    // The list says which tab its rows are of (issue 19): 待审阅's page, not 待回访's.
    app.wait_css("[data-testid=cb-list][data-tab=\"cb.f.review\"]")
        .await;
    let _ = app.driver().set_window_rect(0, 0, 800, 1280).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.screenshot("complaints-callbacks-review-800x1280").await;
    let _ = app.driver().set_window_rect(0, 0, 1280, 800).await;
    // The queue is windowed (issue 19): this callback may be below the first page.
    app.scroll_list_to(&format!("[data-testid=cb-row][data-topic=\"{what}\"]"))
        .await;
    app.click_css(&format!("[data-testid=cb-row][data-topic=\"{what}\"]"))
        .await;
    app.fill("cb-review", "已转工程部再次处理").await;
    app.click("cb-review-save").await;
    app.wait_testid_text("toast", "已审阅").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_complaint_closed_with_written_reply_and_medical_help_call_120() {
    let app = demo("刘晓梅").await; // 客服主管
    let what = "E2E 匿名：垃圾桶满溢";
    register(&app, None, "cleaning", what).await;
    app.click("cmp-save").await;
    open_complaint(&app, what).await;
    app.click("cmp-dispatch").await;
    app.click("cmp-class-minor").await;
    app.select("cmp-dept", "CustomerService").await;
    app.select("cmp-handler", "刘晓梅").await;
    app.click("cmp-dispatch-save").await;
    app.wait_testid_text("cmp-status", "已派单").await;
    // Anonymous: no customer to contact; accepted, closed with the written reply, no callback.
    assert!(app.try_testid("cmp-contacted").await.is_none());
    app.click("cmp-accept").await;
    app.wait_testid_text("cmp-status", "处理中").await;
    app.click("cmp-close").await;
    app.fill("cmp-cause", "清运车故障").await;
    app.fill("cmp-measures", "增加一次清运").await;
    app.fill("cmp-result", "已清运").await;
    app.click("cmp-close-save").await;
    app.wait_testid_text("toast", "书面答复").await; // refused without it
    app.fill("cmp-reply", "已在公告栏张贴书面答复").await;
    app.click("cmp-close-save").await;
    app.wait_testid_text("cmp-status", "已结案").await;

    // HELP-3: a medical emergency, the 120 path ticked step by step, the director notified.
    switch(&app, "王丽").await;
    nav(&app, "#/help").await;
    app.click("help-new").await;
    app.click("help-kind-medical").await;
    app.fill("help-unit", "1201").await;
    app.click("help-unit-hit").await;
    app.fill("help-what", "E2E 老人晕倒").await;
    app.click("help-save").await;
    app.wait_testid("help-detail").await;
    app.click("help-path-call120").await;
    app.wait_testid("help-steps").await;
    for n in 1..=4 {
        app.click_css("[data-testid=help-step]:not(.done)").await;
        app.poll("step ticked", Duration::from_secs(20), || async {
            let done = app
                .js(
                    "return document.querySelectorAll('[data-testid=help-step].done').length;",
                    vec![],
                )
                .await;
            (done.as_u64() == Some(n)).then_some(())
        })
        .await;
    }
    app.fill("help-who", "物业部主任").await;
    app.click("help-notify").await;
    app.wait_text("已通知：").await;
    app.screenshot("complaints-help-medical").await;
    app.fill("help-outcome", "救护车送医，家属已到").await;
    app.click("help-close").await;
    app.wait_testid_text("help-status", "已结案").await;

    // CB-7: the supervisor schedules this month's phone call to every household.
    switch(&app, "刘晓梅").await;
    nav(&app, "#/callbacks").await;
    app.click("cb-round").await;
    app.wait_testid_text("toast", "例行电话回访已安排").await;
    app.scroll_list_to("[data-testid=cb-row][data-topic^=\"例行电话回访\"]")
        .await;

    // The monthly report opens with the demo's history (CMP-12).
    nav(&app, "#/complaints/report").await;
    app.wait_testid("rep-bars").await;
    app.wait_testid_text("rep-timely", "%").await;
    app.wait_testid("rep-reached").await;
    app.screenshot("complaints-report").await;
}

/// CMP-9: closing on site, the customer signs with a finger on the tablet; the drawn signature
/// is kept with the handling report and printed on the 客户投诉登记表.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complaint_closed_on_site_with_a_drawn_signature() {
    let app = demo("刘晓梅").await; // 客服主管 handles a customer-service matter herself
    let what = "E2E 前台接待态度冷淡";
    register(&app, Some("1201"), "service", what).await;
    app.click("cmp-save").await;
    open_complaint(&app, what).await;
    app.click("cmp-dispatch").await;
    app.click("cmp-class-minor").await;
    app.select("cmp-dept", "CustomerService").await;
    app.select("cmp-handler", "刘晓梅").await;
    app.click("cmp-dispatch-save").await;
    app.wait_testid_text("cmp-status", "已派单").await;
    app.click("cmp-accept").await;
    app.wait_testid_text("cmp-status", "处理中").await;
    app.click("cmp-close").await;
    app.fill("cmp-cause", "接待员情绪管理不当").await;
    app.fill("cmp-measures", "当面致歉并培训").await;
    app.fill("cmp-result", "客户接受致歉").await;
    app.click("cmp-rate-basic").await;
    app.click("cmp-mode-drawn").await;
    // Without a signature the close is refused.
    app.click("cmp-close-save").await;
    app.wait_testid_text("toast", "签名").await;
    let pad = app.wait_testid("cmp-sig").await;
    let _ = pad.scroll_into_view().await;
    app.driver()
        .action_chain()
        .move_to_element_center(&pad)
        .click_and_hold()
        .move_by_offset(40, 15)
        .move_by_offset(40, -20)
        .move_by_offset(50, 25)
        .release()
        .perform()
        .await
        .expect("draw the signature");
    app.poll("ink on the pad", Duration::from_secs(10), || async {
        let d = app
            .js("return document.querySelector('[data-testid=cmp-sig] .sig-ink').getAttribute('d') || '';", vec![])
            .await;
        d.as_str().is_some_and(|s| s.starts_with('M') && s.contains('L')).then_some(())
    })
    .await;
    app.click("cmp-close-save").await;
    app.wait_testid_text("cmp-status", "已处理待回访").await;
    app.wait_css("[data-testid=cmp-report] .sig-show path")
        .await;
    app.screenshot("complaints-signed").await;
}
