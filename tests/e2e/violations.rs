//! Resident violations (issue 14; SOP §2 VIO), clicked through by the demo estate's staff in
//! their own roles: an Assistant records a violation with a photo from the camera and cannot
//! decide it (VIO-6); the Supervisor sets rectification by a deadline and the recheck appears
//! (VIO-4); the Director signs (VIO-5), the recheck passes and the follow-up is signed; the
//! printed 客户违章记录表 shows every field (VIO-8); the Director approves a water/power cut only
//! once a written notice served 3 days (72 h) before is on record (VIO-4).

use crate::foundation::{nav, sign_in, switch};
use crate::support::App;
use std::time::Duration;

const ASSISTANT: &str = "王丽";
const SUPERVISOR: &str = "刘晓梅";
const DIRECTOR: &str = "陈建国";

/// "2026-11-30T10:00" in estate time (UTC+8), `hours` from now.
fn local_in(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(8 + hours))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn photo(app: &App, prefix: &str) {
    app.click(&format!("{prefix}-photo")).await;
    app.wait_testid("camera-shoot").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.click("camera-shoot").await;
}

async fn open(app: &App, facts: &str) {
    nav(app, "#/violations").await;
    app.click("vio-filter-open").await;
    app.click_css(&format!("[data-testid=vio-row][data-facts=\"{facts}\"]"))
        .await;
    app.wait_testid("vio-detail").await;
}

async fn record(app: &App, facts: &str, severity: &str) {
    nav(app, "#/violations/new").await;
    app.wait_testid("vio-form").await;
    app.wait_testid("vio-principles").await;
    app.fill("vio-unit", "1201").await;
    app.click("vio-unit-hit").await;
    app.wait_testid("vio-picked").await;
    app.click("vio-cat-fire").await;
    app.click("vio-item-0").await;
    app.fill("vio-facts", facts).await;
    app.click("vio-persuaded-ignored").await;
    app.click(&format!("vio-severity-{severity}")).await;
    app.wait_testid("vio-sev-def").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vio_assistant_records_supervisor_rectifies_director_signs_and_cuts_after_3_day_notice() {
    let mut app = App::start_with_fake_media().await;
    app.timeout = Duration::from_secs(60);
    app.wait_testid("first-run").await;
    app.click("setup-demo").await;
    app.wait_testid("training-banner").await;
    sign_in(&app, ASSISTANT, "1234").await;
    app.wait_testid("todo-list").await;
    app.timeout = Duration::from_secs(30);

    // An Assistant records with a photo taken in the app (VIO-2, VIO-5).
    let facts = "E2E 电动车停在12楼消防通道";
    record(&app, facts, "general").await;
    photo(&app, "vio").await;
    app.wait_css("[data-testid=vio-form] [data-testid=thumb][data-evidence=true] img")
        .await;
    app.screenshot("violations-record").await;
    app.click("vio-save").await;
    app.wait_css(&format!(
        "[data-testid=vio-row][data-facts=\"{facts}\"][data-status=reported]"
    ))
    .await;
    app.screenshot("violations-register").await;
    // … and cannot decide it (VIO-6): no decision step, the rule is said instead.
    open(&app, facts).await;
    app.screenshot("violations-detail-assistant").await;
    app.wait_testid("vio-cannot-decide").await;
    assert!(app.try_testid("vio-decide").await.is_none());

    // The Supervisor sees it on 我的待办 and sets rectification by a deadline (VIO-4).
    switch(&app, SUPERVISOR).await;
    app.wait_testid("todo-list").await;
    app.scroll_list_to_end("todo-item").await;
    app.click_css(&format!(
        "[data-testid=todo-item][data-kind=violation][data-text*=\"{facts}\"]"
    ))
    .await;
    app.wait_testid("vio-decide").await;
    app.click("vio-method-rectification").await;
    app.fill("vio-basis", "违反消防管理规定 a) 堵塞消防通道")
        .await;
    app.fill("vio-opinion", "三日内移走电动车，到期复查").await;
    app.set_value("vio-deadline", &local_in(72)).await;
    app.click("vio-decide-submit").await;
    app.wait_testid_text("vio-status", "待主任审批").await;
    assert!(
        app.try_testid("vio-approve").await.is_none(),
        "only the Director signs"
    );

    // The Director signs; the recheck is scheduled on the deadline (VIO-4, VIO-5, VIO-7).
    switch(&app, DIRECTOR).await;
    open(&app, facts).await;
    app.draw_signature("vio-approve-sign").await;
    app.click("vio-approve-btn").await;
    app.wait_testid_text("vio-status", "执行中").await;
    app.wait_testid_text("vio-recheck", "复查").await;
    app.wait_testid("vio-callback").await;
    app.screenshot("violations-approved").await;
    // The recheck passes and the follow-up is signed: closed.
    app.fill("vio-recheck-note", "已移走").await;
    app.click("vio-recheck-pass").await;
    app.wait_testid("vio-follow").await;
    app.fill("vio-follow-result", "上门回访，业主表示理解")
        .await;
    app.draw_signature("vio-follow-sign").await;
    app.click("vio-follow-btn").await;
    app.wait_testid_text("vio-status", "已结案").await;
    // The printed 客户违章记录表 (VIO-8) shows every field.
    let text = app
        .js(
            "return document.querySelector('[data-testid=vio-print-form]').textContent;",
            vec![],
        )
        .await;
    let text = text.as_str().unwrap_or_default().to_string();
    for needle in [
        "客户违章记录表",
        "NO",
        "违章人",
        "违章时间",
        facts,
        "处理依据及办法",
        "限期整改",
        "三日内移走电动车",
        "审批意见",
        "同意",
        DIRECTOR,
        "跟进结果",
        "上门回访，业主表示理解",
        "管理员签名",
    ] {
        assert!(text.contains(needle), "print form lacks {needle}: {text}");
    }
    let sigs = app
        .js(
            "return document.querySelectorAll('[data-testid=vio-print-form] .sig-show path').length;",
            vec![],
        )
        .await;
    assert_eq!(sigs.as_i64(), Some(2), "approval and follow-up signatures");
    let photos = app
        .js(
            "return document.querySelectorAll('[data-testid=vio-pf-photos] [data-testid=thumb]').length;",
            vec![],
        )
        .await;
    assert_eq!(photos.as_i64(), Some(1), "the photo is printed");

    // A water/power cut (VIO-4): arrears, failed mediation, then a notice 3 days old.
    let cut = "E2E 拒交管理费十四个月";
    record(&app, cut, "major").await;
    app.click("vio-save").await;
    open(&app, cut).await;
    app.click("vio-facts-toggle").await;
    app.fill("vio-arrears-note", "拒交管理费14个月").await;
    app.click("vio-arrears").await;
    app.wait_testid_text("vio-pre-arrears", "严重欠费").await;
    app.click("vio-facts-toggle").await;
    app.fill("vio-med-note", "业委会两次调解无效").await;
    app.click("vio-mediation").await;
    app.wait_testid_text("vio-pre-mediation", "调解无效").await;
    app.click("vio-method-cut").await;
    app.fill("vio-basis", "严重拖欠管理服务费用，业委会调解无效")
        .await;
    app.fill("vio-opinion", "书面通知三日后停水停电").await;
    app.click("vio-decide-submit").await;
    app.wait_testid_text("vio-status", "待主任审批").await;
    // A notice served an hour ago: the signature is refused.
    app.set_value("vio-served-at", &local_in(-1)).await;
    photo(&app, "vio-notice").await;
    app.wait_css("[data-testid=vio-notice] [data-testid=thumb] img")
        .await;
    app.click("vio-notice-save").await;
    app.wait_testid_text("vio-pre-notices", "·").await;
    app.draw_signature("vio-approve-sign").await;
    app.click("vio-approve-btn").await;
    app.wait_testid_text("toast", "3天").await;
    app.wait_testid_text("vio-status", "待主任审批").await;
    // The notice actually served three days and a minute ago is recorded: now it is signed.
    app.set_value("vio-served-at", &local_in(-73)).await;
    photo(&app, "vio-notice").await;
    app.wait_css("[data-testid=vio-notice] [data-testid=thumb] img")
        .await;
    app.click("vio-notice-save").await;
    app.poll("two notices", Duration::from_secs(10), || async {
        let n = app
            .js(
                "return document.querySelectorAll('[data-testid=vio-pre-notices] .photos').length;",
                vec![],
            )
            .await;
        (n.as_i64() == Some(2)).then_some(())
    })
    .await;
    app.draw_signature("vio-approve-sign").await;
    app.click("vio-approve-btn").await;
    app.wait_testid_text("vio-status", "执行中").await;
    app.screenshot("violations-cut").await;
}
