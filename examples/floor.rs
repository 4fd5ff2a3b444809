//! The floor of a static site build, for the benchmarks: read every Markdown source,
//! render its body, write one page per article, in parallel, and nothing else (no
//! listings, no templates, no feeds). No real generator can be faster than this.
//!
//! `cargo run --release --example floor -- SITE OUT`

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (site, out) = match &args[..] {
        [_, site, out] => (PathBuf::from(site), PathBuf::from(out)),
        _ => {
            eprintln!("usage: floor SITE OUT");
            std::process::exit(2);
        }
    };
    let content = site.join("content");
    let sources: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('_'))
        .map(|e| e.into_path())
        .collect();
    let written: usize = sources.par_iter().map(|path| page(&content, &out, path)).sum();
    println!("{written} pages");
}

fn page(content: &Path, out: &Path, path: &Path) -> usize {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    // The body follows the line that closes the front matter.
    let body = text
        .get(4..)
        .and_then(|rest| rest.find("\n---\n").map(|i| &rest[i + 5..]))
        .unwrap_or(&text);
    let title = text.lines().find_map(|l| l.strip_prefix("title: ")).unwrap_or("");
    let mut html = String::with_capacity(body.len() * 2);
    html.push_str("<!doctype html><html><head><meta charset=\"utf-8\"><title>");
    html.push_str(title);
    html.push_str("</title></head><body><article>");
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut html, Parser::new_ext(body, options));
    html.push_str("</article></body></html>");
    let rel = path.strip_prefix(content).unwrap_or(path).with_extension("");
    let dir = out.join(rel);
    if std::fs::create_dir_all(&dir).is_err() {
        return 0;
    }
    std::fs::write(dir.join("index.html"), html).map_or(0, |()| 1)
}
