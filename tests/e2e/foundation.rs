//! Issue #2 end to end, as staff would use it on a tablet: first run, staff, PIN sign-in and
//! lockout, the registry's bulk creation, the demo estate in training mode, offline reload.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::support::*;

/// Opens 住户 and waits until its directory of units and households has been read (issue
/// 19); how many times it has been read on this page.
pub async fn households_directory(app: &App) -> u64 {
    app.js("location.hash = '#/registry/households'; return 1;", vec![])
        .await;
    app.poll(
        "the 住户 directory read",
        Duration::from_secs(30),
        || async {
            app.js(
                "return performance.getEntriesByName('ed-hh-dir').length;",
                vec![],
            )
            .await
            .as_u64()
            .filter(|n| *n > 0)
        },
    )
    .await
}

/// First run (SOP §0): name the estate and create the first Director, who is then signed in.
pub async fn first_run(app: &App, estate: &str, director: &str, pin: &str) {
    app.wait_testid("first-run").await;
    app.fill("setup-estate", estate).await;
    app.fill("setup-director", director).await;
    app.fill("setup-pin", pin).await;
    app.fill("setup-pin2", pin).await;
    app.click("setup-go").await;
    app.wait_testid("todo-list").await;
    app.wait_testid_text("estate-name", estate).await;
}

/// Picks a person on the sign-in screen and types the PIN on the keypad.
/// Goes to a page by its hash (a same-document navigation: the session stays).
pub async fn nav(app: &App, hash: &str) {
    app.js(&format!("location.hash = '{hash}'; return 1;"), vec![])
        .await;
}

/// Signs the current person out and `name` in with the demo PIN, landing on 我的待办.
pub async fn switch(app: &App, name: &str) {
    nav(app, "#/").await;
    app.click("switch-user").await;
    sign_in(app, name, "1234").await;
    app.wait_testid("todo-list").await;
}

pub async fn sign_in(app: &App, name: &str, pin: &str) {
    if app.try_testid("signin-pin").await.is_none() {
        app.wait_testid("signin-list").await;
        app.click_css(&format!(
            "[data-testid=signin-person][data-name=\"{name}\"]"
        ))
        .await;
    }
    app.wait_testid_text("signin-name", name).await;
    for d in pin.chars() {
        app.click(&format!("key-{d}")).await;
    }
    app.click("pin-ok").await;
}

/// The Director adds an Assistant; the Assistant signs in with a PIN, a wrong PIN is refused
/// with the attempts left, and the Assistant does not get staff management (SOP §0 roles).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_then_director_adds_staff_who_signs_in_with_pin() {
    let app = App::start().await;
    // Issue 19: index.html's first-run head stays while the store opens; the form, with the
    // same head, replaces it (one head on the screen, one `main`). The start-up module was
    // fetched after that first paint, not preloaded with the page (.ci/first-paint.sh).
    app.wait_testid("first-run").await;
    assert_eq!(
        app.js(
            "return [!!document.getElementById('boot'), document.querySelectorAll('main').length, \
             document.querySelectorAll('link[rel=preload][href$=\".wasm\"]').length]",
            vec![]
        )
        .await,
        serde_json::json!([false, 1, 0])
    );
    first_run(&app, "翠湖花园", "王建国", "2468").await;
    // A new tablet has never exported: 我的待办 reminds to make the backup file.
    app.wait_testid("sync-backup-reminder").await;
    app.screenshot("foundation-home").await;
    // Issue 19: index.html paints a blank tablet's first-run head before the wasm arrives; this
    // tablet now has an estate, so its next start paints the splash instead.
    assert_eq!(
        app.js("return localStorage.getItem('estate-desk.estate')", vec![])
            .await,
        serde_json::json!("1")
    );

    app.click("nav-staff").await;
    app.click("staff-add").await;
    app.fill("staff-name", "李娜").await;
    app.fill("staff-phone", "13800001111").await;
    app.click("role-Assistant").await;
    app.select("staff-dept", "CustomerService").await;
    app.fill("staff-pin", "1357").await;
    app.click("staff-save").await;
    app.wait_testid_gone("staff-save").await;
    app.click_css("[data-testid=staff-row][data-name=\"李娜\"]")
        .await;
    app.wait_testid("history").await;
    app.wait_text("添加员工").await;
    app.click("sheet-close").await;

    app.click("switch-user").await;
    sign_in(&app, "李娜", "1111").await;
    app.wait_testid_text("signin-error", "PIN不正确，还可再试4次")
        .await;
    sign_in(&app, "李娜", "1357").await;
    app.wait_testid("todo-list").await;
    app.wait_text("您好，李娜").await;
    assert!(
        app.try_testid("nav-staff").await.is_none(),
        "an Assistant must not see staff management"
    );
    assert!(app.try_testid("nav-registry").await.is_some());
}

/// Five wrong PINs lock sign-in on the tablet (for everyone) for five minutes, even with the
/// right PIN; later locks last 15 min, 1 h, 4 h (issue 12, unit-tested in `app::tests`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_pins_lock_sign_in() {
    let app = App::start().await;
    first_run(&app, "翠湖花园", "王建国", "2468").await;
    app.click("switch-user").await;
    for _ in 0..5 {
        sign_in(&app, "王建国", "9999").await;
    }
    app.wait_testid_text("signin-error", "已锁定").await;
    sign_in(&app, "王建国", "2468").await;
    app.wait_testid_text("signin-error", "已锁定").await;
    assert!(app.try_testid("todo-list").await.is_none());
}

/// The lock button (and idle lock) keeps the person but asks for the PIN again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_screen_needs_the_pin_again() {
    let app = App::start().await;
    first_run(&app, "翠湖花园", "王建国", "2468").await;
    app.click("lock").await;
    app.wait_text("屏幕已锁定").await;
    sign_in(&app, "王建国", "2468").await;
    app.wait_testid("todo-list").await;
}

/// 批量建房: "3号楼, 1–30层, 每层4户" creates 120 units; running it again creates none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_create_a_building_of_120_units() {
    let app = App::start_with(Options {
        window: (1280, 800),
        ..Options::default()
    })
    .await;
    first_run(&app, "翠湖花园", "王建国", "2468").await;
    app.click("nav-registry").await;
    app.click("building-add").await;
    app.fill("building-name", "3号楼").await;
    app.fill("building-floors", "30").await;
    app.fill("building-basements", "1").await;
    app.click("building-save").await;
    // Saving a new building opens its floor grid with 批量建房 ready (floors 1 to the top).
    app.wait_testid("bulk-save").await;
    app.fill("bulk-from", "1").await;
    app.fill("bulk-to", "30").await;
    app.fill("bulk-per-floor", "4").await;
    app.click("bulk-save").await;
    app.poll("120 unit tiles", Duration::from_secs(20), || async {
        (app.all_testid("unit-tile").await.len() == 120).then_some(())
    })
    .await;
    // Running it again over the same floors creates nothing new.
    app.click("bulk-open").await;
    app.fill("bulk-from", "1").await;
    app.fill("bulk-to", "30").await;
    app.fill("bulk-per-floor", "4").await;
    app.wait_css("[data-testid=bulk-count][data-count=\"0\"]")
        .await;
    app.click("sheet-close").await;
    assert!(app
        .driver()
        .find(By::Css("[data-testid=unit-tile][data-number=\"3004\"]"))
        .await
        .is_ok());
    app.screenshot("foundation-building-grid").await;
    app.click("nav-home").await;
    app.wait_testid_text("estate-stats", "120").await;
}

/// One tap loads the demo estate into a separate training database with a banner; reset
/// rebuilds it; leaving training shows the real (still empty) estate untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_estate_in_training_mode_leaves_real_data_alone() {
    let mut app = App::start().await;
    app.timeout = Duration::from_secs(60);
    first_run(&app, "真实小区", "王建国", "2468").await;
    app.click("nav-settings").await;
    app.click("training-enter").await;
    app.wait_testid("training-banner").await;
    app.wait_testid("signin-list").await;
    let people = app.all_testid("signin-person").await.len();
    assert!(people >= 20, "demo staff: {people}");
    app.click("signin-person").await;
    for d in "1234".chars() {
        app.click(&format!("key-{d}")).await;
    }
    app.click("pin-ok").await;
    app.wait_testid("estate-stats").await;
    app.poll("demo estate counts", Duration::from_secs(20), || async {
        let t = app.text("estate-stats").await;
        let nums: Vec<u32> = t
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        (nums.len() >= 4 && nums[0] >= 6 && nums[1] >= 600 && nums[2] >= 500 && nums[3] >= 20)
            .then_some(())
    })
    .await;
    app.screenshot("foundation-training-home").await;
    // The front desk finds who lives in 1201 of every building (issue 19: the tab's directory
    // of units and households, read once as it opens), and a resident by the name shown there.
    households_directory(&app).await;
    app.fill("reg-search", "1201").await;
    let name = app
        .wait_css("[data-testid=search-row][data-number=\"1201\"] .hit-hh strong")
        .await
        .text()
        .await
        .unwrap();
    let name = name
        .split(['、', ' '])
        .next()
        .unwrap_or_default()
        .to_string();
    app.screenshot("registry-search-1201").await;
    app.fill("reg-search", &name).await;
    app.poll(
        "the resident found by name",
        Duration::from_secs(10),
        || async {
            let rows = app.all_testid("search-row").await;
            let mut hit = false;
            for r in rows {
                hit |= r.text().await.unwrap_or_default().contains(&name);
            }
            hit.then_some(())
        },
    )
    .await;
    // Back from another page, the directory is still held (nothing was written): the search
    // answers from it at once, without reading every unit and household again.
    app.click("nav-home").await;
    app.wait_testid("todo-list").await;
    households_directory(&app).await;
    app.fill("reg-search", "1201").await;
    app.wait_css("[data-testid=search-row][data-number=\"1201\"]")
        .await;
    assert_eq!(
        households_directory(&app).await,
        1,
        "the directory was read once"
    );

    app.js("window.confirm = () => true; return 1;", vec![])
        .await;
    app.click("training-reset").await;
    app.wait_testid("signin-list").await;
    app.wait_testid("training-banner").await;

    app.click("training-exit").await;
    app.wait_testid("signin-list").await;
    assert!(app.try_testid("training-banner").await.is_none());
    app.wait_text("真实小区").await;
    let real_people = app.all_testid("signin-person").await.len();
    assert_eq!(
        real_people, 1,
        "the real estate still has only its Director"
    );
}

/// After the first visit the app loads and works with the web server gone (SW cache).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_reloads_and_works_offline_after_first_visit() {
    let mut app = App::start().await;
    first_run(&app, "翠湖花园", "王建国", "2468").await;
    app.wait_service_worker().await;
    app.stop_server().await;
    app.reload().await;
    sign_in(&app, "王建国", "2468").await;
    app.wait_testid("todo-list").await;
    app.click("nav-staff").await;
    app.click("staff-add").await;
    app.fill("staff-name", "离线新增").await;
    app.click("role-Receptionist").await;
    app.fill("staff-pin", "4321").await;
    app.click("staff-save").await;
    app.wait_text("离线新增").await;
}
