//! `asset_url(path="style.css")`: the template function that links a stylesheet, script,
//! image or font of the theme or the site's `static/` by its copy named by its bytes
//! (`/style.3f2a9c1b.css`, made by `assets`), which caches may keep for good: new bytes
//! get a new name, and so pages a new link.
//!
//! Each build registers its own, which knows that build's names (`register`); the theme
//! registers one that only says it works while a site is built, so that templates that
//! call it load (tera checks that every function a template calls exists).

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use super::fingerprint;

/// The function's name in templates.
pub const ASSET_URL: &str = "asset_url";

/// Its argument: the file's path under `static/` (or in the default theme).
const PATH: &str = "path";

/// Registers an `asset_url` that fails: templates load, and no page is rendered with it.
pub fn register_placeholder(tera: &mut Tera) {
    tera.register_function(ASSET_URL, |_: Kwargs, _: &State| -> tera::TeraResult<Value> {
        Err(tera::Error::message(
            "asset_url() works only while dateline builds a site",
        ))
    });
}

/// Registers the `asset_url` of a build: `links` maps each file it links (its output path,
/// `img/logo.png`) to the link it gives (`/archive/img/logo.0a1b2c3d.png`).
pub fn register(tera: &mut Tera, links: &Arc<BTreeMap<String, String>>) {
    let links = Arc::clone(links);
    tera.register_function(ASSET_URL, move |kwargs: Kwargs, _: &State| link(&links, &kwargs));
}

/// A fingerprint of what every `asset_url` call of a build can give: part of every page's,
/// since any page may call it.
pub fn links_fingerprint(links: &BTreeMap<String, String>) -> u64 {
    fingerprint::fingerprint(links)
}

/// The link of the file a call names, or an error that names it; tera reports it at the
/// call, in its template.
fn link(links: &BTreeMap<String, String>, kwargs: &Kwargs) -> tera::TeraResult<Value> {
    let path = kwargs.get::<&str>(PATH)?.ok_or_else(|| {
        tera::Error::message("asset_url() needs `path`, the path of a file of static/ (`path=\"style.css\"`)")
    })?;
    let file = path.trim_start_matches('/');
    if let Some(link) = links.get(file) {
        return Ok(Value::from(link.as_str()));
    }
    let why = match crate::assets::named_by_content(file) {
        true => format!("asset_url(): there is no `{path}` in static/ or the default theme"),
        false => format!(
            "asset_url(): `{path}` is not a stylesheet, script, image or font ({}); link it by its own name",
            crate::assets::NAMED_BY_CONTENT.join(", ")
        ),
    };
    Err(tera::Error::message(why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, links: &[(&str, &str)]) -> Result<String, String> {
        let mut tera = Tera::new();
        let links = Arc::new(links.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect());
        register(&mut tera, &links);
        tera.add_raw_template("t.html", template).map_err(|e| e.to_string())?;
        tera.render("t.html", &tera::Context::new())
            .map_err(|e| format!("{e:?}"))
    }

    #[test]
    fn a_call_gives_the_link_of_the_copy_named_by_content() {
        let links = [("img/logo.png", "/archive/img/logo.0a1b2c3d.png")];
        assert_eq!(
            render(r#"<img src="{{ asset_url(path="img/logo.png") }}">"#, &links).unwrap(),
            r#"<img src="/archive/img/logo.0a1b2c3d.png">"#
        );
        assert_eq!(
            render(r#"{{ asset_url(path="/img/logo.png") }}"#, &links).unwrap(),
            "/archive/img/logo.0a1b2c3d.png",
            "a path from the site's root"
        );
    }

    #[test]
    fn an_unknown_file_is_an_error_naming_it() {
        let error = render(r#"{{ asset_url(path="nope.css") }}"#, &[]).unwrap_err();
        assert!(error.contains("there is no `nope.css` in static/"), "{error}");
        let error = render(r#"{{ asset_url(path="robots.txt") }}"#, &[]).unwrap_err();
        assert!(
            error.contains("`robots.txt` is not a stylesheet, script, image or font"),
            "{error}"
        );
        let error = render(r#"{{ asset_url(file="style.css") }}"#, &[]).unwrap_err();
        assert!(error.contains("asset_url() needs `path`"), "{error}");
    }
}
