//! The harness itself, and the built app's shell: it loads, mounts and works offline.

use std::time::Duration;

use serde_json::json;

use crate::support::*;

/// A page with a few controls, served from a temp folder: checks the server (MIME types,
/// stop/restart) and the helpers without depending on the app's UI.
const FIXTURE: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>harness fixture</title></head>
<body>
  <input data-testid="name" value="old">
  <select data-testid="kind">
    <option value="repair">报修</option>
    <option value="complaint">投诉</option>
  </select>
  <button data-testid="go">提交</button>
  <div data-testid="out"></div>
  <script>
    document.querySelector('[data-testid=go]').addEventListener('click', () => {
      const name = document.querySelector('[data-testid=name]').value;
      const kind = document.querySelector('[data-testid=kind]').value;
      document.querySelector('[data-testid=out]').textContent = `已提交：${name} / ${kind}`;
    });
    setTimeout(() => document.body.dataset.ready = "1", 200);
  </script>
</body></html>"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn harness_serves_files_and_drives_chromium() {
    let root = TempDir::new("estate-desk-e2e-fixture");
    std::fs::write(root.path().join("index.html"), FIXTURE).unwrap();
    std::fs::write(root.path().join("x.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(root.path().join("m.webmanifest"), b"{}").unwrap();
    std::fs::write(root.path().join("s.js"), b"1").unwrap();

    let mut app = App::start_with(Options {
        root: root.path().to_path_buf(),
        ..Options::default()
    })
    .await;
    assert_eq!(app.driver().title().await.unwrap(), "harness fixture");

    app.fill("name", "3栋 1201 王女士").await;
    app.select("kind", "complaint").await;
    app.select("kind", "报修").await; // by visible text
    app.click("go").await;
    app.wait_text("已提交：3栋 1201 王女士 / repair").await;
    assert_eq!(app.value("name").await, "3栋 1201 王女士");

    let types = app
        .js(
            "return Promise.all(arguments[0].map(p => fetch(p).then(r => r.headers.get('content-type'))));",
            vec![json!(["x.wasm", "m.webmanifest", "s.js", "index.html"])],
        )
        .await;
    assert_eq!(
        types,
        json!([
            "application/wasm",
            "application/manifest+json",
            "text/javascript; charset=utf-8",
            "text/html; charset=utf-8"
        ])
    );
    let status = app
        .js("return fetch('nope.txt').then(r => r.status);", vec![])
        .await;
    assert_eq!(status, json!(404));

    app.stop_server().await;
    let offline = app
        .js(
            "return fetch('s.js', {cache: 'no-store'}).then(() => 'served', () => 'failed');",
            vec![],
        )
        .await;
    assert_eq!(offline, json!("failed"), "the server should be stopped");
    app.restart_server().await;
    let online = app
        .js(
            "return fetch('s.js', {cache: 'no-store'}).then(r => r.text(), () => 'failed');",
            vec![],
        )
        .await;
    assert_eq!(online, json!("1"));

    let shot = app.screenshot("smoke-harness-fixture").await;
    assert!(std::fs::metadata(shot).unwrap().len() > 1000);
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_loads_and_mounts() {
    let app = App::start().await; // waits for [data-testid=app-ready]
    assert!(app.driver().title().await.unwrap().contains("物业服务台"));
    let viewport = app
        .js("return [window.innerWidth, window.innerHeight];", vec![])
        .await;
    assert_eq!(viewport, json!([800, 1280]), "tablet-sized viewport");
    app.screenshot("smoke-app-loaded").await;
    app.quit().await;
}

/// After the first visit the service worker serves the app shell with the server stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_shell_loads_offline_after_first_visit() {
    let mut app = App::start_with(Options {
        wait_ready: false,
        ..Options::default()
    })
    .await;
    let wasm_started = "the wasm module to start (window.wasmBindings)";
    let started = "return typeof window.wasmBindings === 'object';";
    app.wait_js(wasm_started, started).await;
    app.wait_service_worker().await;

    app.stop_server().await;
    app.reload_no_wait().await;
    app.wait_js(wasm_started, started).await;
    assert!(app.driver().title().await.unwrap().contains("物业服务台"));
    // Issue 19: the first-run screen's import panel (joining from another tablet's file) is a
    // module loaded on first use (split_setup.wasm and its shared chunks, .ci/wasm-split.sh):
    // the worker precached it, so it opens offline too.
    app.wait_testid("first-run").await;
    app.click("setup-import").await;
    app.wait_testid("sync-import").await;
    let shell_ok = app
        .js(
            "return Promise.all(['app.css', 'manifest.webmanifest', 'icons/icon-192.png', \
             'icons/maskable-512.png'].map(p => fetch(p).then(r => r.ok, () => false)));",
            vec![],
        )
        .await;
    assert_eq!(shell_ok, json!([true, true, true, true]));
    // A page the worker never cached is not invented.
    let uncached = app
        .js(
            "return fetch('not-cached.txt').then(r => r.status, () => 'failed');",
            vec![],
        )
        .await;
    assert_eq!(uncached, json!("failed"));

    // Back online: the app still loads (from this build's cache; a new build would be
    // offered by the "update ready" prompt, tests/e2e/update.rs).
    app.restart_server().await;
    app.reload_no_wait().await;
    app.wait_js(wasm_started, started).await;
    app.quit().await;
}

/// Once installed, the worker serves the page, the wasm glue and the module from its build's
/// cache (no network request for them while the page loads): index.html, JS and wasm always
/// come from one build (issue 12; a new build waits for the user's tap, tests/e2e/update.rs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_worker_serves_page_glue_and_wasm_of_one_build_from_cache() {
    let app = App::start_with(Options {
        wait_ready: false,
        ..Options::default()
    })
    .await;
    let wasm_started = "the wasm module to start (window.wasmBindings)";
    let started = "return typeof window.wasmBindings === 'object';";
    app.wait_js(wasm_started, started).await;
    app.wait_service_worker().await;

    app.server().clear_requests();
    app.reload_no_wait().await;
    app.wait_js(wasm_started, started).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requests = app.server().requests();
    for line in [
        "GET / 200",
        "GET /index.html 200",
        "GET /estate-desk.js 200",
        "GET /estate-desk_bg.wasm 200",
    ] {
        assert!(
            !requests.iter().any(|r| r == line),
            "{line}: the page loads its build from the cache: {requests:?}"
        );
    }
    app.quit().await;
}
