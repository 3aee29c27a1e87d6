//! The layers stay apart: the models (`src/model`), the charts (`src/charts`) and the worker pool's decisions
//! (`src/sched.rs`) name no browser crate, so they build and test natively and never grow a hidden dependency on
//! the page.

use std::path::{Path, PathBuf};

const BROWSER_CRATES: [&str; 6] = ["leptos", "web_sys", "wasm_bindgen", "js_sys", "gloo", "plotters_canvas"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn models_charts_and_the_scheduler_name_no_browser_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join("model"), &mut files);
    rust_files(&root.join("charts"), &mut files);
    files.push(root.join("sched.rs"));
    rust_files(&root.join("sched"), &mut files);
    assert!(files.len() > 30, "the scan found {} files", files.len());
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for c in BROWSER_CRATES {
                let named = code.contains(&format!("{c}::"))
                    || code.contains(&format!("use {c}"))
                    || code.contains("wasm_bindgen]");
                if named {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "browser crates named outside src/ui:\n{}", found.join("\n"));
}

#[test]
fn unsafe_code_lives_in_one_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let with_unsafe: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f).unwrap().lines().any(|l| l.split("//").next().unwrap_or("").contains("unsafe {"))
        })
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert_eq!(with_unsafe, vec!["model/engine/table.rs".to_string()]);
    assert!(std::fs::read_to_string(root.join("lib.rs")).unwrap().contains("#![deny(unsafe_code)]"));
}
