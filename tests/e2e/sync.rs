//! Issue #5 end to end: two tablets (two browsers, each with its own IndexedDB) share one estate
//! through `.wuye` files only. Tablet A founds the estate and exports an encrypted full file;
//! tablet B joins the estate from its first-run screen; each adds staff offline; they exchange
//! incremental files both ways and end with the same staff list. Importing the same file again
//! changes nothing; a corrupted file, a missing or wrong passphrase are refused with their
//! message and change nothing.
//!
//! Downloads are captured with the DevTools `Browser.setDownloadBehavior` command (a fresh
//! folder per export); uploads type the file's path into the file input.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::foundation::{first_run, sign_in};
use crate::support::*;

pub(crate) const PASSPHRASE: &str = "湖边的长椅 2027";

pub(crate) async fn start(window: (u32, u32)) -> App {
    let mut app = App::start_with(Options {
        window,
        ..Options::default()
    })
    .await;
    // Key derivation (600,000 PBKDF2 rounds) in wasm takes seconds on a busy machine.
    app.timeout = Duration::from_secs(60);
    app
}

/// Clicks Export and returns the file the browser saved (into a fresh folder under `into`).
pub(crate) async fn export(app: &App, into: &Path, name: &str) -> PathBuf {
    let dir = download_into(app, into, name).await;
    app.click("sync-export-go").await;
    app.wait_testid("sync-export-done").await;
    downloaded(app, &dir, "wuye").await
}

/// Chooses `file` in the import panel, with an optional passphrase, and checks it.
pub(crate) async fn check_file(app: &App, file: &Path, passphrase: &str) {
    // Cancel a preview still open; clear an earlier choice.
    if app.try_testid("sync-import-cancel").await.is_some() {
        app.click("sync-import-cancel").await;
    }
    let input = app.wait_testid("sync-import-file").await;
    input
        .send_keys(file.to_string_lossy().as_ref())
        .await
        .expect("choose the file");
    app.fill("sync-import-pass", passphrase).await;
    app.click("sync-import-check").await;
}

/// Waits for the refusal message and checks that no preview is offered.
async fn refused(app: &App, message: &str) {
    app.wait_testid_text("sync-error", message).await;
    assert!(
        app.try_testid("sync-import-confirm").await.is_none(),
        "a refused file must not be importable"
    );
}

/// Names of the staff on the staff page, sorted.
async fn staff_names(app: &App) -> Vec<String> {
    app.click("nav-staff").await;
    app.wait_testid("staff-list").await;
    app.wait_testid("staff-row").await;
    let mut names: Vec<String> = app
        .js(
            "return Array.from(document.querySelectorAll('[data-testid=staff-row]')).map(e => e.dataset.name);",
            vec![],
        )
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

async fn add_staff(app: &App, name: &str, phone: &str, pin: &str) {
    app.click("nav-staff").await;
    app.click("staff-add").await;
    app.fill("staff-name", name).await;
    app.fill("staff-phone", phone).await;
    app.click("role-Assistant").await;
    app.fill("staff-pin", pin).await;
    app.click("staff-save").await;
    app.wait_testid_gone("staff-save").await;
    app.wait_css(&format!("[data-testid=staff-row][data-name=\"{name}\"]"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tablets_join_and_exchange_files_both_ways() {
    let files = TempDir::new("estate-desk-sync");
    let a = start((1280, 800)).await;
    let b = start((800, 1280)).await;

    // A founds the estate; it has never made a backup.
    first_run(&a, "翠湖花园", "王建国", "2468").await;
    a.click("nav-sync").await;
    a.wait_testid("sync-backup-reminder").await;
    a.wait_testid("sync-devices").await;

    // A: an encrypted full export (for a new tablet), passphrase typed twice.
    a.fill("sync-export-pass", PASSPHRASE).await;
    a.fill("sync-export-pass2", "another phrase").await;
    a.click("sync-export-go").await;
    a.wait_testid_text("sync-export-error", "两次输入的口令不一致")
        .await;
    a.fill("sync-export-pass2", PASSPHRASE).await;
    let full = export(&a, files.path(), "a-full").await;
    a.wait_testid_gone("sync-backup-reminder").await;
    a.screenshot("sync-a-after-export").await;

    // B joins the estate from its first-run screen.
    b.wait_testid("first-run").await;
    b.click("setup-import").await;
    check_file(&b, &full, "").await;
    refused(&b, "此文件已加密").await;
    check_file(&b, &full, "wrong passphrase").await;
    refused(&b, "口令不正确").await;
    check_file(&b, &full, PASSPHRASE).await;
    b.wait_testid_text("sync-preview", "翠湖花园").await;
    b.wait_testid_text("sync-preview", "员工：新增1条").await;
    b.screenshot("sync-b-join-preview").await;
    b.click("sync-import-confirm").await;
    sign_in(&b, "王建国", "2468").await;
    b.wait_testid("todo-list").await;
    b.wait_testid_text("estate-name", "翠湖花园").await;

    // Offline, each adds a staff member.
    add_staff(&a, "李娜", "13800001111", "1357").await;
    add_staff(&b, "张伟", "13900002222", "8642").await;

    // B → A: an incremental, unencrypted file (for A, B's default peer).
    b.click("nav-sync").await;
    b.wait_testid_text("sync-export-carry", "员工 1").await;
    let b_to_a = export(&b, files.path(), "b-to-a").await;
    a.click("nav-sync").await;
    check_file(&a, &b_to_a, "").await;
    a.wait_testid_text("sync-preview", "员工：新增1条").await;
    a.wait_testid_text("sync-preview", "不含员工PIN").await;
    a.screenshot("sync-a-preview").await;
    a.click("sync-import-confirm").await;
    a.wait_testid_gone("sync-preview").await;

    // The same file again: nothing new, nothing changes.
    check_file(&a, &b_to_a, "").await;
    a.wait_testid_text("sync-preview", "没有新内容").await;
    a.wait_testid_text("sync-preview-new", "0").await;
    a.click("sync-import-confirm").await;
    a.wait_testid_gone("sync-preview").await;
    assert_eq!(staff_names(&a).await, ["张伟", "李娜", "王建国"]);

    // A → B: incremental for B (A's default peer now), carrying 李娜.
    a.click("nav-sync").await;
    a.wait_testid_text("sync-export-carry", "员工 1").await;
    let a_to_b = export(&a, files.path(), "a-to-b").await;

    // A corrupted copy (one byte flipped) is refused and changes nothing.
    let mut bytes = std::fs::read(&a_to_b).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    let corrupt = files.path().join("corrupt.wuye");
    std::fs::write(&corrupt, bytes).unwrap();
    b.click("nav-sync").await;
    check_file(&b, &corrupt, "").await;
    refused(&b, "未导入任何内容").await;
    b.screenshot("sync-b-corrupt").await;
    assert_eq!(staff_names(&b).await, ["张伟", "王建国"]);

    b.click("nav-sync").await;
    check_file(&b, &a_to_b, "").await;
    b.wait_testid_text("sync-preview", "员工：新增1条").await;
    b.click("sync-import-confirm").await;
    b.wait_testid_gone("sync-preview").await;

    // Both tablets hold the same staff, and each knows the other.
    let on_a = staff_names(&a).await;
    let on_b = staff_names(&b).await;
    assert_eq!(on_a, on_b);
    assert_eq!(on_b, ["张伟", "李娜", "王建国"]);
    b.click("nav-sync").await;
    b.wait_testid_text("sync-devices", "上次导入").await;
    b.screenshot("sync-b-page").await;
    a.click("nav-sync").await;
    a.wait_testid_text("sync-devices", "上次导入").await;

    // The staff list as CSV: UTF-8 with a byte-order mark, one line per person.
    let dir = download_into(&a, files.path(), "csv").await;
    a.click("sync-csv-staff").await;
    let csv = std::fs::read(downloaded(&a, &dir, "csv").await).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "CSV starts with the UTF-8 BOM"
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("\r\n") && csv.contains("李娜") && csv.contains("张伟"),
        "{csv}"
    );

    a.quit().await;
    b.quit().await;
}

/// `file` doctored by an Assistant with a text editor and sha256sum: each event's JSON edited,
/// its hash recomputed, the signature kept, the file's length and checksum fixed up.
fn doctor(file: &Path, edit: impl Fn(&str) -> String) -> Vec<u8> {
    estate_desk::sync::fuzzing::doctor(&std::fs::read(file).unwrap(), edit, true)
}

/// Issue 12: an Assistant edits a plain export so that their own staff record says Director,
/// fixes the hashes and the checksum, and hands it to a new tablet: the tablet refuses the
/// whole file, naming the tablet whose signature no longer matches; the genuine estate joins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_doctored_file_is_refused_naming_its_tablet() {
    let files = TempDir::new("estate-desk-forged");
    let a = start((1280, 800)).await;
    let b = start((800, 1280)).await;

    // The founding tablet enrols itself and signs everything it writes.
    first_run(&a, "翠湖花园", "王建国", "2468").await;
    add_staff(&a, "李娜", "13800001111", "1357").await;
    a.click("nav-sync").await;
    a.wait_testid("sync-enrolled").await;
    let genuine = export(&a, files.path(), "a-full").await;

    let forged = files.path().join("forged.wuye");
    std::fs::write(
        &forged,
        doctor(&genuine, |t| {
            if t.contains("李娜") {
                t.replace("\"roles\":[\"Assistant\"]", "\"roles\":[\"Director\"]")
            } else {
                t.to_string()
            }
        }),
    )
    .unwrap();

    b.wait_testid("first-run").await;
    b.click("setup-import").await;
    check_file(&b, &forged, "").await;
    refused(&b, "签名不符").await;
    b.wait_testid_text("sync-error", "篡改").await;
    b.screenshot("sync-forged-refused").await;

    // The genuine estate (a locked full export, as joining needs): the new tablet joins, and
    // 李娜 is an Assistant there.
    a.fill("sync-export-pass", PASSPHRASE).await;
    a.fill("sync-export-pass2", PASSPHRASE).await;
    let locked = export(&a, files.path(), "a-locked").await;
    check_file(&b, &locked, PASSPHRASE).await;
    b.wait_testid_text("sync-preview", "翠湖花园").await;
    b.click("sync-import-confirm").await;
    sign_in(&b, "王建国", "2468").await;
    b.wait_testid("todo-list").await;
    assert_eq!(staff_names(&b).await, ["李娜", "王建国"]);
    a.quit().await;
    b.quit().await;
}
