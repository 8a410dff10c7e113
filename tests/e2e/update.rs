//! Issue 12: a new build of the app, deployed while the desk is open, is installed beside the
//! running one into its own cache and offered as "新版本已就绪 — 重新载入 / Update ready —
//! reload"; the tap switches index.html, the JS glue and the wasm together. Hosted in a
//! sub-folder, like `make serve-dist` copied onto any static host.

use crate::support::{dist_dir, App, Options, TempDir};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The build id stamped into sw.js (`const BUILD = "…";`).
fn build_id(site: &Path) -> String {
    let sw = std::fs::read_to_string(site.join("sw.js")).unwrap();
    let line = sw
        .lines()
        .find(|l| l.starts_with("const BUILD = "))
        .expect("sw.js names its build");
    line.split('"').nth(1).unwrap().to_string()
}

const PAGE_BUILD: &str = "var m = document.querySelector('meta[name=\"estate-desk-build\"]'); \
                          return m ? m.content : null;";

async fn page_build(app: &App) -> Option<String> {
    let ret = app.driver().execute(PAGE_BUILD, vec![]).await.ok()?;
    ret.json().as_str().map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_worker_offers_a_new_build_and_switches_on_the_tap() {
    let root = TempDir::new("e2e-update");
    let site = root.path().join("desk");
    copy_dir(&dist_dir(), &site);
    let old = build_id(&site);
    assert_ne!(
        old, "__ESTATE_DESK_BUILD__",
        "dist/ was built with the build-id hook"
    );

    let mut app = App::start_with(Options {
        root: root.path().to_path_buf(),
        path: "desk/".into(),
        ..Options::default()
    })
    .await;
    app.wait_service_worker().await;
    assert_eq!(page_build(&app).await.as_deref(), Some(old.as_str()));
    assert!(
        app.try_testid("update-ready").await.is_none(),
        "a first visit offers no update"
    );

    // A new build is copied onto the host: a new id in sw.js and index.html.
    let next = "e2e0next0build00";
    for file in ["sw.js", "index.html"] {
        let path = site.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&old));
        std::fs::write(&path, text.replace(&old, next)).unwrap();
    }
    // The open desk looks for it (it also does every 30 minutes).
    app.js(
        "return navigator.serviceWorker.getRegistration().then(r => r.update()).then(() => true);",
        vec![],
    )
    .await;
    let prompt = app.wait_testid("update-ready").await;
    let text = prompt.text().await.unwrap();
    assert!(text.contains("新版本已就绪"), "{text}");
    assert!(text.contains("重新载入"), "{text}");
    // Installed beside the running build; nothing switched behind the user's back.
    assert_eq!(page_build(&app).await.as_deref(), Some(old.as_str()));
    let caches = app
        .js("return caches.keys().then(k => k.sort());", vec![])
        .await;
    // One cache per build and scope (the app is served from the sub-folder /desk/ here).
    let mut both = vec![
        format!("estate-desk-{next}@/desk/"),
        format!("estate-desk-{old}@/desk/"),
    ];
    both.sort();
    assert_eq!(
        caches,
        json!(both),
        "the new build has its own cache, complete before the prompt"
    );
    app.screenshot("update-ready").await;

    app.click("update-apply").await;
    app.poll(
        "the page to reload into the new build",
        Duration::from_secs(30),
        || async { (page_build(&app).await.as_deref() == Some(next)).then_some(()) },
    )
    .await;
    app.wait_ready().await;
    let caches = app.js("return caches.keys();", vec![]).await;
    assert_eq!(
        caches,
        json!([format!("estate-desk-{next}@/desk/")]),
        "the old build's cache is gone"
    );
    assert!(app.try_testid("update-ready").await.is_none());

    // Offline, the new build's own set starts the app: page, glue and wasm of one build.
    app.stop_server().await;
    app.reload().await;
    assert_eq!(page_build(&app).await.as_deref(), Some(next));
    app.quit().await;
}
