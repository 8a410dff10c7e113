//! Issue 4 end to end (SOP.md §7 PAT-1..8, REP-8): a patrol round walked on a portrait tablet
//! with real QR scans. Chromium's fake camera plays a video made here from the app's own
//! checkpoint labels (the same `label_luma` the printed sheet is drawn from), so the
//! round's labels are read by the scanner exactly as a camera would see them; a finding gets
//! a photo from that camera and becomes a work order; the tab is closed and reopened
//! mid-round; the coverage view shows floors nobody patrolled.

use std::io::Write;
use std::time::Duration;

use estate_desk::domain::demo::demo_estate;
use estate_desk::domain::event::EventBody;
use estate_desk::domain::ids::RecordId;
use estate_desk::domain::patrol::label::label_luma;
use estate_desk::domain::patrol::PatrolEvent;
use estate_desk::domain::staff::PinHash;

use crate::foundation::first_run;
use crate::support::*;

/// The seed the app's training mode builds the demo from (src/ui/mod.rs).
const DEMO_SEED: u64 = 20_261_122;
pub(crate) const ROUTE: &str = "保洁绿化巡视";
pub(crate) const WALKER: &str = "赵志强";
/// The internal supervisor's in-home cleaning inspection route of the demo (PAT-2).
const INSPECTION: &str = "居家保洁检查";

/// The checkpoints of the demo's daily route, in order.
fn route_checkpoints() -> Vec<RecordId> {
    let pin = PinHash::new("1234", [7; 16], 10).unwrap();
    let demo = demo_estate(DEMO_SEED, pin, estate_desk::domain::demo::DEMO_AS_OF);
    demo.drafts
        .iter()
        .find_map(|d| match &d.body {
            EventBody::Patrol(PatrolEvent::RouteSet { info }) if info.name == ROUTE => {
                Some(info.stops.iter().map(|s| s.checkpoint).collect())
            }
            _ => None,
        })
        .expect("the demo has the daily cleaning and greening route")
}

/// A Y4M video (8 fps, 480×480, grey) showing each label for 1.5 s, looped by Chromium.
fn label_video(labels: &[RecordId]) -> std::path::PathBuf {
    const W: usize = 480;
    let path = artifacts_dir().join("patrol-labels.y4m");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(f, "YUV4MPEG2 W{W} H{W} F8:1 Ip A1:1 C420jpeg").unwrap();
    for id in labels {
        let (side, luma) = label_luma(*id, 1);
        let scale = (W - 40) / side;
        let off = (W - side * scale) / 2;
        let mut y = vec![235u8; W * W];
        for row in 0..side * scale {
            for col in 0..side * scale {
                let v = luma[(row / scale) * side + col / scale];
                y[(row + off) * W + col + off] = if v < 128 { 16 } else { 235 };
            }
        }
        let chroma = vec![128u8; W * W / 4];
        for _ in 0..12 {
            f.write_all(b"FRAME\n").unwrap();
            f.write_all(&y).unwrap();
            f.write_all(&chroma).unwrap();
            f.write_all(&chroma).unwrap();
        }
    }
    f.flush().unwrap();
    path
}

pub(crate) async fn enter_training_as(app: &App, name: &str) {
    app.click("nav-settings").await;
    app.click("training-enter").await;
    app.wait_testid("training-banner").await;
    sign_in_demo(app, name).await;
}

pub(crate) async fn sign_in_demo(app: &App, name: &str) {
    crate::foundation::sign_in(app, name, "1234").await;
    app.wait_testid("todo-list").await;
}

async fn checked(app: &App) -> usize {
    let t = app.text("walk-count").await;
    t.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Scans the next label the camera shows and confirms the check-in.
async fn scan_and_confirm(app: &App) {
    let before = checked(app).await;
    app.click("walk-scan").await;
    app.wait_testid("camera").await;
    app.wait_testid("check-stamp").await;
    assert!(app.text("check-stamp").await.contains("已扫码"));
    app.click("check-confirm").await;
    app.poll("check-in saved", Duration::from_secs(20), || async {
        (checked(app).await == before + 1).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pat1_pat4_rep8_a_round_walked_with_real_qr_scans_a_photo_a_work_order_and_a_reopened_tab()
{
    let stops = route_checkpoints();
    assert_eq!(stops.len(), 5);
    // The camera shows the 2nd, 3rd and 4th labels (the 1st is checked in by hand).
    let video = label_video(&stops[1..4]);
    let app = App::start_with(Options {
        fake_media: true,
        extra_args: vec![format!(
            "--use-file-for-fake-video-capture={}",
            video.display()
        )],
        timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .await;
    first_run(&app, "真实小区", "王建国", "2468").await;
    enter_training_as(&app, WALKER).await;

    // Today's rounds: the week plans itself; the daily route has a round today (PAT-2).
    app.click("nav-patrol").await;
    let round = format!("[data-testid=pat-round][data-route=\"{ROUTE}\"]");
    app.wait_css(&round).await;
    app.screenshot("patrol-today").await;
    app.click_css(&format!("{round} [data-testid=pat-walk]"))
        .await;
    app.wait_testid("walk").await;
    app.wait_testid_text("walk-route", ROUTE).await;

    // The first checkpoint's label "cannot be read": a manual check-in, flagged (PAT-1).
    app.click_css("[data-testid=walk-stop][data-state=open] button")
        .await;
    app.click("manual-checkin").await;
    assert!(app.text("check-stamp").await.contains("手动签到"));
    app.click("check-confirm").await;
    app.wait_testid("tag-manual").await;

    // Three real scans of the printed labels through the camera (out of order is fine).
    for _ in 0..3 {
        scan_and_confirm(&app).await;
    }
    assert_eq!(checked(&app).await, 4);
    app.screenshot("patrol-walk-800x1280").await;

    // A broken facility with a photo from the camera becomes a work order (PAT-4, REP-8).
    app.click("walk-report").await;
    app.click("kind-broken_facility").await;
    app.wait_testid_text("routing", "工单").await;
    app.fill("finding-note", "消防水泵房照明灯不亮").await;
    app.click("finding-photo").await;
    app.wait_testid("camera-shoot").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.click("camera-shoot").await;
    app.wait_css("[data-testid=thumb][data-evidence=true] img")
        .await;
    app.screenshot("patrol-finding").await;
    app.click("finding-save").await;
    app.wait_testid("walk-finding").await;

    // The tab is closed mid-round and opened again: the round is all there (events in IndexedDB).
    app.goto("about:blank").await;
    app.goto("").await;
    app.wait_testid("training-banner").await;
    sign_in_demo(&app, WALKER).await;
    app.click("nav-patrol").await;
    app.click("pat-resume").await;
    app.wait_testid("walk").await;
    assert_eq!(checked(&app).await, 4);
    app.wait_testid("tag-manual").await;
    app.wait_testid("walk-finding").await;
    // The same screen on a landscape tablet.
    app.driver().set_window_rect(0, 0, 1280, 860).await.unwrap();
    app.screenshot("patrol-walk-1280x800").await;
    app.driver().set_window_rect(0, 0, 800, 1340).await.unwrap();

    // Finishing with a checkpoint missing needs a reason; the round is partial (PAT-1).
    app.click("walk-finish").await;
    app.click("finish-confirm").await;
    app.wait_text("请说明原因").await;
    app.fill("finish-note", "垃圾分类收集站施工围挡，无法进入")
        .await;
    app.click("finish-confirm").await;
    app.wait_testid_text("walk-outcome", "未巡完").await;
    app.click("walk-sheet").await;
    app.wait_testid("patrol-sheet").await;
    app.wait_text("手动（未扫码）").await;
    app.wait_text("消防水泵房照明灯不亮").await;
    app.screenshot("patrol-sheet").await;

    // Engineering's work order with the REP-8 clocks; taking it starts the on-site clock.
    app.click("nav-patrol").await;
    app.click("pat-tab-findings").await;
    app.wait_css("[data-testid=wo-row]").await;
    app.wait_text("消防水泵房照明灯不亮").await;
    app.wait_text("通知工程部").await;
    // PAT-4: the month's 清洁工作检查记录表 is built when printed (issue 19: the tab renders
    // what it shows), with the seed form's columns and the environment lead's signature.
    let printed_form = "return !!document.querySelector('[data-testid=cleaning-print]');";
    assert_eq!(
        app.js(printed_form, vec![]).await,
        serde_json::Value::Bool(false)
    );
    app.print_via("print-cleaning").await;
    let form = app
        .js(
            "return document.querySelector('[data-testid=cleaning-print]').textContent;",
            vec![],
        )
        .await;
    for field in [
        "清洁工作检查记录表",
        "检查地点",
        "存在问题",
        "整改情况",
        "环境部签名",
        "环境部主管",
    ] {
        assert!(
            form.as_str().is_some_and(|f| f.contains(field)),
            "PAT-4 printed form lacks {field}"
        );
    }
    // REP-8: this round's order (not the demo's older one) taken, on site, then the result —
    // written on the patrol sheet of the round.
    let on_ours = |step: &'static str| {
        let app = &app;
        async move {
            let script = format!(
                "const r = [...document.querySelectorAll('[data-testid=wo-row]')]\n\
                 .find(r => r.textContent.includes('消防水泵房照明灯不亮'));\n\
                 const b = r && r.querySelector('[data-testid={step}]');\n\
                 if (b) {{ b.click(); return true; }} return false;"
            );
            app.poll(step, app.timeout, || async {
                (app.js(&script, vec![]).await == serde_json::Value::Bool(true)).then_some(())
            })
            .await;
        }
    };
    on_ours("do-take").await;
    app.click("step-save").await;
    app.wait_text("15分钟内到场").await;
    app.screenshot("patrol-findings").await;
    app.wait_testid_gone("step-save").await;
    on_ours("do-arrive").await;
    app.click("step-save").await;
    app.wait_testid_gone("step-save").await;
    on_ours("do-complete").await;
    app.fill("step-note", "更换照明灯管，已恢复照明").await;
    app.click("step-save").await;
    app.wait_testid_gone("step-save").await;
    app.js("location.hash = '#/patrol/sheet';", vec![]).await;
    app.wait_testid("patrol-sheet").await;
    app.wait_text("更换照明灯管，已恢复照明").await;
    app.click("nav-patrol").await;

    // Coverage: floors nobody walked this week stand out (PAT-2).
    app.click("pat-tab-coverage").await;
    app.wait_css("[data-testid=cov-building][data-gaps]").await;
    let gaps = app
        .js(
            "return [...document.querySelectorAll('[data-testid=cov-floor][data-visits=\"0\"]')].length;",
            vec![],
        )
        .await;
    assert!(
        gaps.as_u64().unwrap_or(0) > 0,
        "missed floors shown: {gaps}"
    );
    app.wait_testid("good-order").await;
    app.screenshot("patrol-coverage").await;

    // PAT-2 role inspection: the internal supervisor's in-home cleaning inspection (twice a
    // week) is on his today list within the coming week; its stops are the period's finished
    // cleaning orders. A problem is noted with a callback; the round is finished.
    app.click("pat-tab-today").await;
    let insp = format!("[data-testid=pat-round][data-route=\"{INSPECTION}\"]");
    app.wait_css(&insp).await;
    app.click_css(&format!("{insp} [data-testid=pat-inspect]"))
        .await;
    app.wait_testid("insp-orders").await;
    if app.try_testid("insp-none").await.is_none() {
        app.wait_testid("insp-order").await;
        app.click("insp-problem").await;
        app.fill("insp-note", "厨房台面未擦净，住户不满意").await;
        app.click("insp-save").await;
        app.wait_testid("insp-result").await;
        app.wait_text("已安排回访").await;
    }
    app.screenshot("patrol-inspection-800x1280").await;
    app.driver().set_window_rect(0, 0, 1280, 860).await.unwrap();
    app.screenshot("patrol-inspection-1280x800").await;
    app.driver().set_window_rect(0, 0, 800, 1340).await.unwrap();
    app.fill("insp-finish-note", "本期居家保洁已抽查").await;
    app.click("insp-finish").await;
    app.wait_testid_gone("inspect-screen").await;
    // Coverage shows met or missed per period for the inspections (the demo missed one).
    app.click("pat-tab-coverage").await;
    app.wait_testid("insp-coverage").await;
    app.wait_css("[data-testid=insp-period][data-met=true]")
        .await;
    app.wait_css("[data-testid=insp-period][data-met=false]")
        .await;
    app.js(
        "document.querySelector('[data-testid=insp-coverage]').scrollIntoView(); return 1;",
        vec![],
    )
    .await;
    app.screenshot("patrol-inspection-coverage").await;

    // The supervisor's tools: the A4 label sheet decodes to the same checkpoints it prints.
    app.click("pat-tab-labels").await;
    app.wait_css(&format!("[data-testid=qr-label][data-id=\"{}\"]", stops[0]))
        .await;
    app.screenshot("patrol-labels").await;
    app.click("pat-tab-routes").await;
    app.click_css(&format!("[data-testid=route-row][data-name=\"{ROUTE}\"]"))
        .await;
    app.wait_testid("route-stops").await;
    assert_eq!(app.all_testid("route-stop").await.len(), 5);
    app.screenshot("patrol-route-editor").await;
    // QUAL-4: the Director's review list of every kind past its retention date (shared).
    // Other records kept one year instead of three: last year's records are due for review.
    crate::foundation::switch(&app, "陈建国").await;
    crate::foundation::nav(&app, "#/settings").await;
    app.set_value("retention-other-years", "1").await;
    app.click("retention-other-save").await;
    app.wait_text("资料保存期限已保存").await;
    crate::foundation::nav(&app, "#/violations/retention").await;
    app.wait_testid("ret-tombstones").await;
    app.wait_css("[data-testid=ret-row], [data-testid=ret-empty]")
        .await;
    app.wait_testid_text("ret-other", "1").await;
    app.screenshot("retention-review-800x1280").await;
    app.driver().set_window_rect(0, 0, 1280, 860).await.unwrap();
    app.screenshot("retention-review-1280x800").await;
    app.driver().set_window_rect(0, 0, 800, 1340).await.unwrap();
    app.quit().await;
}
