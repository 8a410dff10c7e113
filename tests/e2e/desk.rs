//! Issue 17 end to end, the front desk in the demo estate (training mode), as the receptionist:
//! a registered letter is registered, notified and notified again, carried by the front-desk
//! handover (DUTY-11) with both PINs, then picked up with a drawn signature, which drops it
//! from the next handover (DESK-1); a day of consignment sales through the till is closed with
//! a difference explained and confirmed by a second person's PIN (DESK-3, PAID-4).

use std::time::Duration;

use crate::foundation::{first_run, sign_in};
use crate::support::*;

const NUMBER: &str = "XA20261130CN";

async fn pin_in(app: &App, pad: &str, pin: &str) {
    for d in pin.chars() {
        app.click_css(&format!("[data-testid={pad}] [data-testid=key-{d}]"))
            .await;
    }
    app.click_css(&format!("[data-testid={pad}] [data-testid=pin-ok]"))
        .await;
}

async fn portrait(app: &App) {
    let _ = app.driver().set_window_rect(0, 0, 800, 1280).await;
}

async fn landscape(app: &App) {
    let _ = app.driver().set_window_rect(0, 0, 1280, 800).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn front_desk_letter_through_a_handover_and_a_day_of_sales_closed_with_a_second_pin() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    first_run(&app, "真实小区", "王建国", "2468").await;
    app.click("nav-settings").await;
    app.click("training-enter").await;
    app.wait_testid("training-banner").await;
    app.wait_testid("signin-list").await;
    sign_in(&app, "吴静", "1234").await;
    app.wait_testid("todo-list").await;

    // DESK-1: register in seconds — the unit from the shared search, the number, the shelf.
    app.click("nav-desk").await;
    app.wait_testid("mail-register").await;
    app.fill("mail-unit", "1201").await;
    app.click("mail-unit-hit").await;
    app.wait_testid("mail-place").await;
    app.fill("mail-number", NUMBER).await;
    app.fill("mail-shelf", "B2").await;
    app.click("mail-save").await;
    app.wait_testid_text("toast", "已登记").await;
    app.wait_testid_text("mail-open", NUMBER).await;
    // Told at once, then again (the renotify).
    app.click("mail-notify").await;
    app.wait_testid_text("mail-status", "已通知次数：1").await;
    app.click("mail-notify").await;
    app.wait_testid_text("mail-status", "已通知次数：2").await;
    app.wait_testid_text("mail-next", "第3天再次通知").await;
    portrait(&app).await;
    app.screenshot("desk-mail-800x1280").await;
    landscape(&app).await;
    app.screenshot("desk-mail-1280x800").await;

    // DUTY-11: the front-desk handover carries the unclaimed letter by itself.
    app.click("nav-duty").await;
    app.click("duty-tab-handover").await;
    app.click("ho-post-desk").await;
    app.wait_testid("ho-item").await;
    app.wait_text(NUMBER).await;
    app.click("ho-items-all-ok").await;
    let n = app.all_testid("ho-open").await.len();
    for i in 0..n {
        app.set_value(&format!("ho-open-{i}-note"), "已电话通知，住户下班后来取")
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

    // DESK-1: picked up with the resident's drawn signature; the item and its line close.
    app.click("nav-desk").await;
    app.wait_testid_text("mail-open", NUMBER).await;
    app.click("mail-pickup").await;
    app.draw_signature("mail-sig").await;
    app.click("mail-pickup-save").await;
    app.wait_testid_text("toast", "已签收").await;
    app.wait_no_text(NUMBER).await;
    app.click("nav-duty").await;
    app.click("duty-tab-handover").await;
    app.click("ho-post-desk").await;
    app.wait_testid("ho-item").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    app.wait_no_text(NUMBER).await;

    // DESK-3 / PAID-4: a day of sales through the till, closed with a difference.
    app.click("nav-desk").await;
    app.click("desk-tab-sales").await;
    app.wait_testid("item-row").await;
    app.click("sale-sell").await;
    app.wait_testid_text("toast", "已售出").await;
    app.wait_testid_text("cash-collected", "¥35.00").await;
    app.fill("sale-qty", "2").await;
    app.click("sale-sell").await;
    app.wait_testid_text("cash-collected", "¥105.00").await;
    app.wait_testid_text("cash-receipts", "-02").await;
    app.fill("cash-counted", "100").await;
    app.fill("cash-handed", "100").await;
    app.fill("cash-received-by", "财务部出纳 刘芳").await;
    app.wait_testid_text("cash-check", "差额").await;
    let close = app.by_testid("cash-close").await;
    assert!(
        close.attr("disabled").await.unwrap().is_some(),
        "a difference needs a reason and a second PIN"
    );
    app.fill("cash-reason", "找零时多找5元").await;
    app.select("cash-second-person", "郑佳怡").await;
    pin_in(&app, "cash-second", "1234").await;
    app.wait_testid_text("cash-second-signed", "郑佳怡").await;
    portrait(&app).await;
    app.screenshot("desk-cash-close-800x1280").await;
    app.click("cash-close").await;
    app.wait_testid_text("cash-closed", "FD-").await;
    app.wait_testid_text("cash-closed", "找零时多找5元").await;
    landscape(&app).await;
    app.screenshot("desk-cash-closed-1280x800").await;
    // The closed day takes no more cash.
    app.click("sale-sell").await;
    app.wait_testid_text("toast", "已日结").await;

    // DESK-2 and DESK-4: today's papers and the reception card, for the record.
    app.click("desk-tab-papers").await;
    app.wait_testid("papers-today").await;
    app.screenshot("desk-papers-1280x800").await;
    app.click("desk-tab-standards").await;
    app.wait_testid_text("desk-standards", "铃响三声以内").await;
    portrait(&app).await;
    app.screenshot("desk-standards-800x1280").await;
}
