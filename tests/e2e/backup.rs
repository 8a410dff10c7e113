//! Issue 13 end to end: the file is a whole backup, photos inside. Tablet A (the demo estate of
//! training mode) walks a patrol round and records a finding with a photo from the camera
//! (Chromium's fake camera), then exports an encrypted full file. Tablet B, blank, joins the
//! estate from that file and shows the picture in the findings list. B's own full backup,
//! restored on a third, blank tablet C, shows it too. Each tablet is its own browser profile
//! (its own IndexedDB).

use std::path::Path;
use std::time::Duration;

use crate::foundation::{first_run, sign_in};
use crate::patrol::{enter_training_as, sign_in_demo, ROUTE, WALKER};
use crate::support::*;
use crate::sync::{check_file, export, start, PASSPHRASE};

const NOTE: &str = "2号楼楼道有人深夜喧哗";
const DIRECTOR: &str = "陈建国";

/// Waits until the finding with [`NOTE`] shows its photo, decoded (not just a placeholder).
async fn shows_the_photo(app: &App) {
    app.click("nav-patrol").await;
    app.click("pat-tab-findings").await;
    app.wait_text(NOTE).await;
    app.wait_js(
        "the finding's photo decoded",
        &format!(
            "return [...document.querySelectorAll('[data-testid=finding-row]')]
                .filter(r => r.textContent.includes('{NOTE}'))
                .some(r => [...r.querySelectorAll('[data-testid=thumb] img')]
                    .some(i => i.complete && i.naturalWidth > 0));"
        ),
    )
    .await;
    app.js(
        &format!(
            "[...document.querySelectorAll('[data-testid=finding-row]')]
                .find(r => r.textContent.includes('{NOTE}'))
                .scrollIntoView({{block: 'center'}});"
        ),
        vec![],
    )
    .await;
}

/// A blank tablet joins the estate from `file` (first-run screen) and signs in as the Director.
async fn join(app: &App, file: &Path) {
    app.wait_testid("first-run").await;
    app.click("setup-import").await;
    check_file(app, file, PASSPHRASE).await;
    app.wait_testid("sync-preview").await;
    app.click("sync-import-confirm").await;
    sign_in(app, DIRECTOR, "1234").await;
    app.wait_testid("todo-list").await;
    // Issue 13: the import was absorbed in groups; when it ends no "unfinished" marker is left.
    app.click("nav-sync").await;
    app.wait_testid("sync-devices").await;
    assert!(app.try_testid("sync-import-unfinished").await.is_none());
}

/// An encrypted full file of everything the tablet holds.
async fn full_backup(app: &App, into: &Path, name: &str) -> std::path::PathBuf {
    app.click("nav-sync").await;
    app.wait_testid("sync-devices").await;
    if let Some(full) = app.try_testid("sync-export-full").await {
        if !full.is_selected().await.unwrap_or(false) {
            app.click("sync-export-full").await;
        }
    }
    app.fill("sync-export-pass", PASSPHRASE).await;
    app.fill("sync-export-pass2", PASSPHRASE).await;
    export(app, into, name).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue_13_a_patrol_photo_travels_to_a_second_tablet_and_a_restored_backup() {
    let files = TempDir::new("estate-desk-backup");
    let a = App::start_with(Options {
        fake_media: true,
        timeout: Duration::from_secs(60),
        ..Options::default()
    })
    .await;
    first_run(&a, "真实小区", "王建国", "2468").await;
    enter_training_as(&a, WALKER).await;

    // A: the daily round, the first stop checked in by hand, then a finding with a photo.
    a.click("nav-patrol").await;
    let round = format!("[data-testid=pat-round][data-route=\"{ROUTE}\"]");
    a.click_css(&format!("{round} [data-testid=pat-walk]"))
        .await;
    a.wait_testid("walk").await;
    a.click_css("[data-testid=walk-stop][data-state=open] button")
        .await;
    a.click("manual-checkin").await;
    a.click("check-confirm").await;
    a.wait_testid("tag-manual").await;
    a.click("walk-report").await;
    a.click("kind-disturbance").await;
    a.fill("finding-note", NOTE).await;
    a.click("finding-photo").await;
    a.wait_testid("camera-shoot").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    a.click("camera-shoot").await;
    a.wait_css("[data-testid=thumb][data-evidence=true] img")
        .await;
    a.click("finding-save").await;
    a.wait_testid("walk-finding").await;
    shows_the_photo(&a).await;

    // A's Director exports the whole estate, encrypted (PINs travel, so B can sign in).
    a.click("switch-user").await;
    sign_in_demo(&a, DIRECTOR).await;
    let from_a = full_backup(&a, files.path(), "a-full").await;
    let text = std::fs::read(&from_a).unwrap();
    assert!(text.starts_with(b"WUYE 3\n"), "format version 3");
    assert!(
        String::from_utf8_lossy(&text).contains("\"blobs\":1"),
        "the file carries the photo"
    );

    // B, a blank tablet, joins from A's file and shows the picture.
    let b = start((800, 1280)).await;
    join(&b, &from_a).await;
    shows_the_photo(&b).await;
    b.screenshot("backup-b-finding-photo").await;

    // B's full backup restored on a third, blank tablet shows it too.
    let from_b = full_backup(&b, files.path(), "b-full").await;
    let c = start((1280, 800)).await;
    join(&c, &from_b).await;
    shows_the_photo(&c).await;
    c.screenshot("backup-c-restored-photo").await;
}
