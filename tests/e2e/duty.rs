//! Issue 6 end to end, in the demo estate (training mode): publish a roster, write the duty
//! log with a correction and verify it, a blocked then completed handover with both PINs, the
//! supervisor's daily sign-off, and a gas-leak incident run to closure that shows in the log
//! (DUTY-1..11, EMG-1..3).

use std::time::Duration;

use serde_json::json;
#[allow(deprecated)] // `WebDriver::cdp()` needs thirtyfour's `cdp` feature, not enabled here.
use thirtyfour::extensions::cdp::ChromeDevTools;

use crate::foundation::{first_run, sign_in};
use crate::support::*;

/// The demo estate, signed in as `name` (every demo PIN is 1234).
async fn demo_as(app: &App, name: &str) {
    first_run(app, "真实小区", "王建国", "2468").await;
    app.click("nav-settings").await;
    app.click("training-enter").await;
    app.wait_testid("training-banner").await;
    app.wait_testid("signin-list").await;
    sign_in(app, name, "1234").await;
    app.wait_testid("todo-list").await;
}

async fn pin_in(app: &App, pad: &str, pin: &str) {
    for d in pin.chars() {
        app.click_css(&format!("[data-testid={pad}] [data-testid=key-{d}]"))
            .await;
    }
    app.click_css(&format!("[data-testid={pad}] [data-testid=pin-ok]"))
        .await;
}

/// Scrolls to the top and lets the toast fade, for a screenshot of the whole screen.
async fn top(app: &App) {
    app.js(
        "window.scrollTo(0, 0); document.querySelectorAll('.content').forEach(e => e.scrollTop = 0); return 1;",
        vec![],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(3_300)).await;
}

/// Screenshot of the page as it prints (A4 width), for the printable forms (DUTY-1, DUTY-9);
/// returns the text the printed page shows.
#[allow(deprecated)]
async fn print_shot(app: &App, name: &str) -> String {
    let cdp = ChromeDevTools::new(app.driver().handle().clone());
    let _ = app.driver().set_window_rect(0, 0, 794, 1123).await;
    let _ = cdp
        .execute_cdp_with_params("Emulation.setEmulatedMedia", json!({ "media": "print" }))
        .await;
    top(app).await;
    app.screenshot(name).await;
    let printed = app.body_text().await;
    let _ = cdp
        .execute_cdp_with_params("Emulation.setEmulatedMedia", json!({ "media": "" }))
        .await;
    portrait(app).await;
    printed
}

async fn landscape(app: &App) {
    let _ = app.driver().set_window_rect(0, 0, 1280, 800).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

async fn portrait(app: &App) {
    let _ = app.driver().set_window_rect(0, 0, 800, 1280).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// DUTY-1/5 roster, DUTY-8 sign-off, DUTY-4 log + correction + verify, DUTY-6/7 handover.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duty_roster_signoff_log_correction_and_handover_with_two_pins() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    demo_as(&app, "刘晓梅").await;

    // DUTY-1: an empty month three months ahead; one day by hand, the rest in turn; publish.
    app.click("nav-duty").await;
    app.click("duty-tab-roster").await;
    app.wait_testid("roster-calendar").await;
    for _ in 0..3 {
        app.click("roster-next").await;
    }
    app.wait_testid("roster-draft").await;
    // Publishing with empty days is refused with the days named.
    app.click("roster-publish").await;
    app.wait_text("还没有值班人").await;
    app.click("roster-day-2").await;
    app.select("slot-person", "王丽").await;
    app.click("slot-save").await;
    app.wait_testid_text("roster-day-2", "王丽").await;
    app.click("roster-fill").await;
    app.poll("every day filled", Duration::from_secs(20), || async {
        (!app.text("roster-day-28").await.contains('—')).then_some(())
    })
    .await;
    app.click("roster-publish").await;
    app.wait_testid("roster-published").await;
    assert!(!app.text("roster-day-1").await.contains('—'));
    landscape(&app).await;
    top(&app).await;
    app.screenshot("duty-roster-1280x800").await;
    portrait(&app).await;
    app.screenshot("duty-roster-800x1280").await;

    // DUTY-5: 王丽 can't swap privately; she asks for leave on her day, the supervisor approves
    // and names the replacement, and the roster shows it.
    app.click("switch-user").await;
    sign_in(&app, "王丽", "1234").await;
    app.wait_testid("todo-list").await;
    app.click("nav-duty").await;
    app.click("duty-tab-roster").await;
    app.wait_testid("roster-calendar").await;
    for _ in 0..4 {
        app.click("roster-next").await;
    }
    app.wait_testid("roster-published").await;
    app.wait_testid_text("roster-day-2", "王丽").await;
    app.click("roster-day-2").await;
    app.fill("leave-reason", "家中有事").await;
    app.click("leave-send").await;
    app.wait_text("请假申请已交主管").await;
    app.click("switch-user").await;
    sign_in(&app, "刘晓梅", "1234").await;
    app.wait_testid("todo-list").await;
    app.scroll_list_to_end("todo-item").await;
    app.wait_testid_text("todo-list", "请假").await;
    app.click("nav-duty").await;
    app.click("duty-tab-roster").await;
    for _ in 0..3 {
        app.click("roster-next").await;
    }
    app.wait_testid("leave-row").await;
    app.select("leave-replacement", "张伟").await;
    app.click("leave-approve").await;
    app.wait_testid_text("roster-day-2", "张伟").await;
    app.wait_testid_text("roster-day-2", "顶班").await;
    print_shot(&app, "duty-roster-print-a4").await;

    // DUTY-8: the demo's last two days wait for the supervisor's signature.
    app.click("duty-tab-review").await;
    app.wait_testid("review-day").await;
    let before = app.all_testid("review-day").await.len();
    assert!(before >= 2, "unsigned demo days: {before}");
    app.fill("review-remark", "已阅，电梯复查跟进").await;
    app.click("review-sign").await;
    app.poll("one day signed", Duration::from_secs(20), || async {
        (app.all_testid("review-day").await.len() == before - 1).then_some(())
    })
    .await;

    // DUTY-4: an entry, its correction (both stay), and the chain verifies.
    app.click("duty-tab-log").await;
    app.wait_testid("log-new").await;
    app.click("entry-kind-help").await;
    app.fill("entry-text", "7号楼住户求助：老人摔倒，已陪同就医")
        .await;
    app.fill("entry-follow", "家属已到医院").await;
    app.click("entry-save").await;
    app.wait_testid_text("log-entries", "老人摔倒").await;
    app.click("entry-correct").await;
    app.fill("correction-text", "更正：为6号楼住户").await;
    app.click("correction-save").await;
    app.wait_testid_text("log-entries", "更正：为6号楼住户")
        .await;
    app.wait_testid_text("log-entries", "老人摔倒").await;
    app.wait_testid_text("log-entries", "已更正").await;
    app.click("log-verify").await;
    app.wait_testid_text("verify-result", "记录完整").await;
    landscape(&app).await;
    top(&app).await;
    app.screenshot("duty-log-1280x800").await;
    portrait(&app).await;
    let printed = print_shot(&app, "duty-log-print-a4").await;
    // DUTY-9: the printed 值班记录 carries every field of the seed's form, with the entry.
    for field in [
        "值班记录",
        "日期",
        "岗位",
        "值班人",
        "工作用品交接",
        "交班人",
        "接班人",
        "工作记录",
        "跟进结果",
        "物业部主任助理确认",
        "备注",
        "老人摔倒",
        "家属已到医院",
    ] {
        assert!(printed.contains(field), "DUTY-9 printed form lacks {field}");
    }

    // DUTY-6/7: the handover. The demo's overdue emergency callbacks are important open work:
    // blocked until each is handed over with a note.
    app.click("duty-tab-handover").await;
    app.wait_testid("ho-item").await;
    app.wait_testid("ho-open").await;
    app.wait_testid_text("ho-blockers", "重要工作未完成").await;
    let finish = app.by_testid("ho-finish").await;
    assert!(
        finish.attr("disabled").await.unwrap().is_some(),
        "blocked handover (DUTY-7)"
    );
    app.click("ho-items-all-ok").await;
    app.click("ho-item-0-damaged").await;
    app.set_value("ho-item-0-expl", "天线折断，已报工程部")
        .await;
    if app.try_testid("ho-prev-read").await.is_some() {
        app.click("ho-prev-read").await;
    }
    let n = app.all_testid("ho-open").await.len();
    for i in 0..n {
        app.set_value(&format!("ho-open-{i}-note"), "主管明日上午回访")
            .await;
        app.click(&format!("ho-open-{i}-accept")).await;
    }
    app.poll("no blockers", Duration::from_secs(20), || async {
        app.try_testid("ho-blockers").await.is_none().then_some(())
    })
    .await;
    app.select("ho-out-person", "王丽").await;
    pin_in(&app, "ho-out", "1234").await;
    app.wait_testid_text("ho-out-signed", "王丽").await;
    app.select("ho-in-person", "刘晓梅").await;
    pin_in(&app, "ho-in", "1234").await;
    app.wait_testid_text("ho-in-signed", "刘晓梅").await;
    landscape(&app).await;
    top(&app).await;
    app.screenshot("duty-handover-1280x800").await;
    portrait(&app).await;
    top(&app).await;
    app.screenshot("duty-handover-800x1280").await;
    app.click("ho-finish").await;
    app.wait_testid_text("log-entries", "交接班完成").await;
    app.wait_testid_text("log-entries", "对讲机损坏").await;
}

/// A wrong PIN on the handover pad signs nobody (the staff PIN check with its lockout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handover_refuses_a_wrong_pin_and_stays_blocked() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    demo_as(&app, "王丽").await;
    app.click("nav-duty").await;
    app.click("duty-tab-handover").await;
    app.wait_testid("ho-item").await;
    app.wait_testid_text("ho-blockers", "请清点").await;
    app.select("ho-out-person", "张伟").await;
    pin_in(&app, "ho-out", "9999").await;
    app.wait_text("PIN不正确").await;
    assert!(app.try_testid("ho-out-signed").await.is_none());
    let finish = app.by_testid("ho-finish").await;
    assert!(finish.attr("disabled").await.unwrap().is_some());
}

/// EMG-1..3: the header's emergency button, the gas-leak checklist run to closure, the
/// timeline in the duty log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gas_leak_incident_run_to_closure_shows_in_the_duty_log() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    demo_as(&app, "王丽").await;
    // 我的待办 with her next duties (from the demo's published roster, when it is current).
    top(&app).await;
    app.screenshot("duty-home-800x1280").await;
    // One tap from any screen.
    app.click("nav-registry").await;
    app.click("emergency").await;
    app.wait_testid("emergency-page").await;
    app.screenshot("emergency-kinds-800x1280").await;
    app.fill("emg-place", "5号楼2单元").await;
    app.click("emg-kind-gas").await;
    app.wait_testid("incident-page").await;
    app.wait_testid("step-5").await;
    let warn = app.by_testid("step-1").await;
    assert!(warn
        .class_name()
        .await
        .unwrap()
        .unwrap_or_default()
        .contains("warning"));
    for i in 0..6 {
        if i == 2 {
            landscape(&app).await;
            top(&app).await;
            app.screenshot("emergency-gas-1280x800").await;
            portrait(&app).await;
            top(&app).await;
            app.screenshot("emergency-gas-800x1280").await;
        }
        app.click(&format!("step-{i}")).await;
        app.poll("step done", Duration::from_secs(20), || async {
            let el = app.by_testid(&format!("step-{i}")).await;
            el.class_name()
                .await
                .ok()
                .flatten()
                .is_some_and(|c| c.contains("done"))
                .then_some(())
        })
        .await;
    }
    app.fill("emg-note", "燃气公司抢修人员到场").await;
    app.click("emg-note-add").await;
    app.wait_testid_text("timeline", "燃气公司抢修人员到场")
        .await;
    app.fill("emg-cause", "灶具软管老化").await;
    app.fill("emg-prevention", "提醒住户定期更换软管").await;
    app.fill("emg-unit-search", "1201").await;
    app.click("emg-hh-hit").await;
    app.wait_testid_text("emg-affected", "1201").await;
    app.click("emg-close-save").await;
    app.wait_testid("incident-closed").await;

    app.click("nav-duty").await;
    app.click("duty-tab-log").await;
    app.wait_testid_text("log-entries", "漏气结案").await;
    app.wait_testid_text("log-entries", "严禁开关电源").await;
    app.click("log-verify").await;
    app.wait_testid_text("verify-result", "记录完整").await;
}

/// DUTY-11: the front desk's handover log on the same mechanism: unclaimed mail carried over,
/// accepted, both PINs, in the front desk's own log.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_desk_handover_carries_unclaimed_mail_into_its_own_log() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    demo_as(&app, "吴静").await;
    app.click("nav-duty").await;
    app.click("duty-tab-handover").await;
    app.click("ho-post-desk").await;
    app.wait_testid("ho-item").await;
    app.click("ho-items-all-ok").await;
    app.fill("ho-free-item", "3号楼1201挂号信未领取，已电话通知")
        .await;
    app.click("ho-free-add").await;
    app.wait_testid_text("ho-blockers", "确认接收").await;
    // The demo's unclaimed mail is carried too (DESK-1): every line noted and accepted.
    let n = app.all_testid("ho-open").await.len();
    for i in 0..n {
        app.set_value(&format!("ho-open-{i}-note"), "已电话通知，住户周末来取")
            .await;
        app.click(&format!("ho-open-{i}-accept")).await;
    }
    if app.try_testid("ho-prev-read").await.is_some() {
        app.click("ho-prev-read").await;
    }
    app.select("ho-out-person", "郑佳怡").await;
    pin_in(&app, "ho-out", "1234").await;
    app.wait_testid("ho-out-signed").await;
    app.select("ho-in-person", "吴静").await;
    pin_in(&app, "ho-in", "1234").await;
    app.wait_testid("ho-in-signed").await;
    app.click("ho-finish").await;
    app.wait_testid("log-new").await;
    app.click("log-post-desk").await;
    app.wait_testid_text("log-entries", "交接班完成").await;
    // The written-in item and the demo's unclaimed mail carried with it (DESK-1).
    app.wait_testid_text("log-entries", "跟进事项").await;
}
