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

    // Back online: the app still loads, from the network.
    app.restart_server().await;
    app.server().clear_requests();
    app.reload_no_wait().await;
    app.wait_js(wasm_started, started).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        app.server()
            .requests()
            .iter()
            .any(|r| r.starts_with("GET / ")),
        "navigation should go to the network first: {:?}",
        app.server().requests()
    );
    app.quit().await;
}

/// Once installed, the worker serves the wasm glue and module from its cache (no network
/// request while the page loads) and afterwards downloads the whole shell again as one set, so
/// a new build is used from the next start on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_worker_serves_shell_from_cache_then_refreshes_it() {
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
    let wasm = "GET /estate-desk_bg.wasm 200";
    let loaded_by_page = app.server().requests();
    assert_eq!(
        loaded_by_page.first().map(String::as_str),
        Some("GET / 200"),
        "navigation goes to the network first: {loaded_by_page:?}"
    );
    // The refresh is asked for 3 s after the app started.
    app.poll("the shell refresh", Duration::from_secs(15), || async {
        app.server()
            .requests()
            .iter()
            .any(|r| r == wasm)
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let requests = app.server().requests();
    let count = |line: &str| requests.iter().filter(|r| *r == line).count();
    // Once each: by the refresh, not by the page (which got them from the cache).
    for file in [
        "estate-desk_bg.wasm",
        "estate-desk.js",
        "app.css",
        "index.html",
    ] {
        assert_eq!(
            count(&format!("GET /{file} 200")),
            1,
            "{file}: the page loads it from the cache, the refresh downloads it once: {requests:?}"
        );
    }
    app.quit().await;
}
