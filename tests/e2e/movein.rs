//! Move-in (issue 16; SOP §8 MOVE), clicked through on the demo estate's 9号楼 by its staff in
//! their own roles: the receptionist runs a household's whole session at the desk — documents
//! (first with a paper missing, then resumed: MOVE-2), agreements with the owner's drawn
//! signature (MOVE-3), the household form into the registry (MOVE-4), the finance receipt
//! (MOVE-5), the inspection with both meter readings and photos, a defect and both signatures
//! (MOVE-6), keys with the entry-door key kept (MOVE-7), next steps (MOVE-8) — prints the
//! 房屋交接验收表 (meter readings and both signatures on paper) and finishes (MOVE-10). The
//! defect becomes a repair order in one tap; the engineering lead assesses it (warranty: no
//! fee), the plumber repairs it and the owner signs; back at the desk the kept key returns.

use crate::foundation::{households_directory, nav, sign_in, switch};
use crate::support::App;
use std::time::Duration;

const DESK: &str = "吴静"; // 前台接待员
const LEAD: &str = "马国庆"; // 工程部主管
const PLUMBER: &str = "罗志刚";
const PLACE: &str = "9号楼 602";

async fn hash(app: &App) -> String {
    app.js("return location.hash;", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn photo(app: &App, prefix: &str) {
    app.click(&format!("{prefix}-photo")).await;
    app.wait_testid("camera-shoot").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.click("camera-shoot").await;
    app.wait_testid_gone("camera-shoot").await;
}

async fn step_done(app: &App, step: &str) {
    app.wait_css(&format!("[data-testid=mv-step-{step}][data-done=true]"))
        .await;
}

async fn order_status(app: &App, hash: &str, status: &str) {
    nav(app, hash).await;
    app.wait_css(&format!("[data-testid=wo-status][data-status={status}]"))
        .await;
}

/// The screen at the tablet's two orientations (review screenshots in the artifacts).
async fn shots(app: &App, name: &str) {
    for (w, h) in [(800u32, 1280u32), (1280, 800)] {
        app.driver()
            .set_window_rect(0, 0, w, h)
            .await
            .expect("resize");
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.screenshot(&format!("{name}-{w}x{h}")).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn movein_desk_session_inspection_defect_repaired_and_kept_key_returned() {
    let mut app = App::start_with_fake_media().await;
    app.timeout = Duration::from_secs(60);
    app.wait_testid("first-run").await;
    app.click("setup-demo").await;
    app.wait_testid("training-banner").await;
    sign_in(&app, DESK, "1234").await;
    app.wait_testid("todo-list").await;
    app.timeout = Duration::from_secs(30);
    // The front desk's 住户 tab read its directory before the move-in (issue 19: it is held
    // until something is written), so the household saved below must not be missed by it.
    households_directory(&app).await;

    // The batch with its deadline in two days: the unit has not come yet.
    app.click("nav-movein").await;
    app.click_css("[data-testid=mv-batch-row][data-name=\"9号楼第二批入伙\"]")
        .await;
    app.wait_testid("mv-batch").await;
    app.click_css(&format!(
        "[data-testid=mv-unit-row][data-place=\"{PLACE}\"] [data-testid=mv-start]"
    ))
    .await;
    app.wait_testid("mv-session").await;
    let session = hash(&app).await;
    assert!(session.starts_with("#/movein/"), "{session}");

    // MOVE-2: the maintenance-fund receipt is missing — the step stays open; resumed later.
    for d in ["notice", "contract", "payment", "owner_id"] {
        app.click(&format!("mv-doc-{d}")).await;
    }
    app.click("mv-docs-save").await;
    app.wait_testid("mv-missing").await;
    app.wait_testid_text("mv-missing", "维修资金").await;
    app.click("mv-doc-fund").await;
    app.click("mv-docs-save").await;
    step_done(&app, "documents").await;

    // MOVE-3: agreements in two copies, handbook and guide, the owner signs.
    app.wait_testid("mv-panel-agreements").await;
    for p in ["rules", "fire", "service", "handbook", "guide"] {
        app.click(&format!("mv-paper-{p}")).await;
    }
    app.draw_signature("mv-sign-agree").await;
    app.click("mv-agree-save").await;
    step_done(&app, "agreements").await;

    // MOVE-4: the form is prefilled from the batch; saved into the registry.
    app.wait_testid("mv-panel-household").await;
    app.fill("mv-hh-name-1", "E2E 家属").await;
    app.click("mv-hh-save").await;
    step_done(&app, "household").await;

    // MOVE-5: the finance receipt number.
    app.wait_testid("mv-panel-fees").await;
    app.fill("mv-receipt", "CW-E2E-0001").await;
    app.click("mv-fees-save").await;
    step_done(&app, "fees").await;

    // MOVE-6: meters with photos, one defect, both sign.
    app.wait_testid("mv-panel-inspection").await;
    app.fill("mv-water", "3.2").await;
    photo(&app, "mv-water").await;
    app.fill("mv-power", "15.8").await;
    photo(&app, "mv-power").await;
    app.click("mv-room-主卧").await;
    app.fill("mv-defect-text", "E2E 墙面裂缝").await;
    app.click("mv-add-defect").await;
    app.draw_signature("mv-sign-owner").await;
    app.draw_signature("mv-sign-staff").await;
    app.screenshot("movein-inspection").await;
    app.click("mv-inspect-save").await;
    step_done(&app, "inspection").await;

    // The defect becomes a repair order in one tap.
    app.click("mv-step-inspection").await;
    app.wait_testid("mv-meters").await;
    app.click("mv-defect-to-order-0").await;
    app.wait_css("[data-testid=mv-defect-order][data-status=opened]")
        .await;

    // MOVE-7: a defect, so one entry-door key stays.
    app.click("mv-step-keys").await;
    app.wait_testid_text("mv-keys-rule", "入户门钥匙").await;
    app.draw_signature("mv-sign-keys").await;
    app.click("mv-keys-save").await;
    app.wait_testid_text("mv-kept", "入户门钥匙2").await;

    // MOVE-8: the next steps, each with a date or not needed.
    app.click("mv-step-next_steps").await;
    for n in ["decoration", "water", "power", "gas", "phone", "cable_tv"] {
        app.click(&format!("mv-next-{n}-done")).await;
        app.wait_css(&format!("[data-testid=mv-next-{n}] .badge"))
            .await;
    }
    app.click("mv-next-parking-skip").await;
    step_done(&app, "next_steps").await;
    app.click("mv-step-inspection").await;
    app.wait_testid("mv-meters").await;
    shots(&app, "movein-session").await;

    // The printed 房屋交接验收表 carries both readings and both signatures.
    app.print_via("mv-print-inspection").await;
    // Hidden on screen, shown on paper: read the text from the DOM.
    let read = |id: &'static str| {
        let app = &app;
        async move {
            app.js(
                &format!("return document.querySelector('[data-testid={id}]').textContent.trim();"),
                vec![],
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
        }
    };
    assert_eq!(read("mv-pf-water").await, "3.2");
    assert_eq!(read("mv-pf-power").await, "15.8");
    app.by_css("[data-testid=mv-pf-owner-sign] .sig-show path")
        .await;
    app.by_css("[data-testid=mv-pf-staff-sign] .sig-show path")
        .await;
    let defects = app
        .js(
            "return document.querySelector('[data-testid=mv-pf-defects]').textContent;",
            vec![],
        )
        .await;
    assert!(
        defects
            .as_str()
            .unwrap_or_default()
            .contains("E2E 墙面裂缝"),
        "{defects}"
    );
    // What the paper shows, for review: the print CSS applied on screen.
    app.js(
        "const s = document.createElement('style'); s.id = 'as-print'; s.textContent = '.screen-only, .topbar, .nav, .training-banner, .toast { display: none !important } .print-only { display: block !important }'; document.head.appendChild(s); return 1;",
        vec![],
    )
    .await;
    shots(&app, "movein-print-inspection").await;
    app.js(
        "document.getElementById('as-print').remove(); return 1;",
        vec![],
    )
    .await;

    // MOVE-10: finished; the move-in callback is scheduled.
    app.click("mv-finish").await;
    app.wait_testid("mv-finished").await;

    // Engineering: the lead assesses (warranty, no fee), the desk records the owner's yes,
    // the lead sends the plumber, who repairs and the owner signs.
    app.click("mv-step-keys").await;
    app.click("mv-defect-order").await;
    app.wait_testid("wo-status").await;
    let order = hash(&app).await;
    switch(&app, LEAD).await;
    order_status(&app, &order, "opened").await;
    app.click("wo-receive-assess").await;
    app.wait_css("[data-testid=wo-status][data-status=assessing]")
        .await;
    app.fill("wo-assess-fee", "0").await;
    app.fill("wo-assess-note", "开发商保修期内，免费维修").await;
    app.click("wo-assess-save").await;
    app.wait_css("[data-testid=wo-status][data-status=awaiting_customer]")
        .await;
    switch(&app, DESK).await;
    order_status(&app, &order, "awaiting_customer").await;
    app.click("wo-fee-yes").await;
    app.wait_css("[data-testid=wo-status][data-status=agreed]")
        .await;
    switch(&app, LEAD).await;
    order_status(&app, &order, "agreed").await;
    app.select("wo-worker", PLUMBER).await;
    app.click("wo-dispatch").await;
    app.wait_css("[data-testid=wo-status][data-status=notified]")
        .await;
    switch(&app, PLUMBER).await;
    order_status(&app, &order, "notified").await;
    app.click("wo-arrive").await;
    app.wait_css("[data-testid=wo-status][data-status=on_site]")
        .await;
    app.draw_signature("wo-sign-agree").await;
    app.click("wo-agree").await;
    app.wait_testid("wo-finish").await;
    app.fill("wo-result", "裂缝已修补，业主验收").await;
    app.draw_signature("wo-sign-done").await;
    app.click("wo-finish-save").await;
    app.wait_css("[data-testid=wo-status][data-status=done]")
        .await;

    // Back at the desk: the last defect is done, the kept key goes back to the owner.
    switch(&app, DESK).await;
    nav(&app, &session).await;
    app.wait_testid("mv-session").await;
    app.click("mv-step-keys").await;
    app.wait_css("[data-testid=mv-defect-order][data-status=done]")
        .await;
    app.click("mv-return-key").await;
    app.wait_css("[data-testid=mv-key-row][data-label=\"入户门钥匙2\"][data-owner=true]")
        .await;
    app.wait_testid_gone("mv-kept").await;
    app.screenshot("movein-key-returned").await;

    // MOVE-4: the household saved in the session is found by the 住户 search, though the
    // tab's directory was read before it existed.
    app.js("location.hash = '#/registry/households'; return 1;", vec![])
        .await;
    app.fill("reg-search", "E2E").await;
    app.poll(
        "the new household found",
        Duration::from_secs(10),
        || async {
            let mut hit = false;
            for r in app.all_testid("search-row").await {
                hit |= r.text().await.unwrap_or_default().contains("E2E 家属");
            }
            hit.then_some(())
        },
    )
    .await;
}
