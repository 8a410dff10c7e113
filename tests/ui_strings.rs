//! Every UI string key used in src/ui has a Chinese and an English text in src/ui/i18n.rs or an
//! area table `src/ui/<area>/strings.rs`
//! (a missing key would show "?" to staff). Reads the sources; runs natively.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// String literals passed directly to `t(`, `t_untracked(` or used as `key: "…"` table entries.
fn used_keys(src: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for call in ["t(\"", "t_untracked(\""] {
        let mut rest = src;
        while let Some(i) = rest.find(call) {
            let before = rest[..i].chars().last();
            rest = &rest[i + call.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue; // e.g. `format!(` or `set_t(`
            }
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_string());
            }
        }
    }
    keys
}

fn defined_keys(table: &str) -> BTreeSet<String> {
    table
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix('"')?;
            let end = rest.find('"')?;
            rest[end..]
                .starts_with("\" =>")
                .then(|| rest[..end].to_string())
        })
        .collect()
}

#[test]
fn every_ui_string_key_has_chinese_and_english_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/ui"), &mut files);
    // The common table, every area's `strings.rs`, and a shared component's own table (the
    // cash day's `pair`, registered in i18n.rs `AREAS` beside the areas').
    let mut defined = BTreeSet::new();
    for f in &files {
        let src = fs::read_to_string(f).unwrap();
        if f.ends_with("src/ui/i18n.rs")
            || f.file_name().is_some_and(|n| n == "strings.rs")
            || src.contains("pub fn pair(key: &str) -> Option<(&'static str, &'static str)>")
        {
            defined.extend(defined_keys(&src));
        }
    }
    assert!(
        defined.len() > 50,
        "parsed only {} keys from i18n.rs",
        defined.len()
    );
    let mut missing = BTreeSet::new();
    for f in files {
        let src = fs::read_to_string(&f).unwrap();
        for k in used_keys(&src) {
            if !defined.contains(&k) {
                missing.insert(format!(
                    "{k} (in {})",
                    f.strip_prefix(root).unwrap().display()
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "UI string keys without text: {missing:#?}"
    );
}
