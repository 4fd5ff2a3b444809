//! Templates: the default theme built into the binary (the files of `templates/`), with
//! a site's own `templates/NAME` replacing the default of that name.

use ahash::AHashMap as HashMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diag::{Diagnostic, shown};
use crate::walk::{TEMPLATES_DIR, files_under};

/// The default theme's templates, by name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("year.html", include_str!("../../templates/year.html")),
    ("month.html", include_str!("../../templates/month.html")),
    ("day.html", include_str!("../../templates/day.html")),
    ("on-this-day.html", include_str!("../../templates/on-this-day.html")),
    ("authors.html", include_str!("../../templates/authors.html")),
    ("author.html", include_str!("../../templates/author.html")),
    ("tags.html", include_str!("../../templates/tags.html")),
    ("tag.html", include_str!("../../templates/tag.html")),
    ("sections.html", include_str!("../../templates/sections.html")),
    ("section.html", include_str!("../../templates/section.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("redirect.html", include_str!("../../templates/redirect.html")),
];

/// The search page's script, copied only to sites with search.
pub const SEARCH_SCRIPT: &str = "search.js";

/// The default theme's static files, by output path.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../static/style.css")),
    ("search.js", include_bytes!("../../static/search.js")),
];

/// Loaded templates, and where each came from (for messages).
pub struct Theme {
    pub(crate) tera: Tera,
    /// Template name → the site file that defines it (absent: the default theme).
    site_files: HashMap<String, PathBuf>,
    /// Page template → a hash of every template its pages may use.
    versions: HashMap<String, u64>,
    /// A hash of the templates no page kind is named after (layouts, components, partials).
    shared_version: u64,
    /// Site templates that look mistyped: not a name dateline renders, and used by none.
    pub warnings: Vec<Diagnostic>,
    /// Every template: its name and text (a problem in one shows its line).
    texts: Vec<(String, String)>,
}

/// The templates that render a kind of page; every other template is shared by all pages.
pub const PAGE_TEMPLATES: &[&str] = &[
    "article.html",
    "home.html",
    "year.html",
    "month.html",
    "day.html",
    "on-this-day.html",
    "authors.html",
    "author.html",
    "tags.html",
    "tag.html",
    "sections.html",
    "section.html",
    "404.html",
    "search.html",
    "redirect.html",
];

impl Theme {
    /// Loads the default theme and the site's `templates/` over it.
    pub fn load(root: &Path) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: Vec<(String, String)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut site_files = HashMap::new();
        let mut problems = Vec::new();
        let dir = Path::new(TEMPLATES_DIR);
        for rel in files_under(root, dir, &mut problems) {
            let name = rel
                .strip_prefix(dir)
                .unwrap_or(&rel)
                .to_string_lossy()
                .replace('\\', "/");
            let shown_path = shown(root, &rel);
            match std::fs::read(root.join(&rel)) {
                Ok(bytes) => match crate::parse::decode(&shown_path, &bytes) {
                    Ok(text) => {
                        let text = text.into_owned();
                        match sources.iter_mut().find(|(n, _)| *n == name) {
                            Some(slot) => slot.1 = text,
                            None => sources.push((name.clone(), text)),
                        }
                        site_files.insert(name, shown_path);
                    }
                    Err(d) => problems.push(d),
                },
                Err(e) => problems.push(Diagnostic::file(shown_path, format!("cannot read: {e}"))),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (versions, shared_version) = versions(&sources);
        let warnings = unused(&sources, &site_files);
        let mut theme = Theme {
            tera: Tera::new(),
            site_files,
            versions,
            shared_version,
            warnings,
            texts: sources,
        };
        theme.tera.autoescape_on([".html", ".htm", ".xml"]);
        super::fragments::register_placeholders(&mut theme.tera);
        super::asset_url::register_placeholder(&mut theme.tera);
        if let Err(e) = theme
            .tera
            .add_raw_templates(theme.texts.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        {
            return Err(vec![theme.diagnostic(&e)]);
        }
        Ok(theme)
    }

    /// A hash that changes whenever a template used by pages of `template` changes: the
    /// page template itself, every shared template, and page templates it names.
    pub fn version(&self, template: &str) -> u64 {
        self.versions.get(template).copied().unwrap_or(self.shared_version)
    }

    /// A tera error as a diagnostic naming the template file, line and column.
    pub fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        match error.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let span = report.span();
                let d = Diagnostic::new(
                    self.template_path(report.filename()),
                    span.start_line,
                    span.start_col + 1,
                    one_line(report.message()),
                );
                match self.texts.iter().find(|(n, _)| n == report.filename()).map(|(_, t)| t) {
                    Some(text) => {
                        let d = match report.message().trim() == "Unknown tag" {
                            true => unknown_tag(d, text),
                            false => d,
                        };
                        d.with_source_line(text)
                    }
                    None => d,
                }
            }
            tera::ErrorKind::MissingParent { current, parent } => Diagnostic::file(
                self.template_path(current),
                format!("extends \"{parent}\", which does not exist"),
            ),
            tera::ErrorKind::CircularExtend { tpl, .. } => {
                Diagnostic::file(self.template_path(tpl), "extends itself (through its parents)")
            }
            tera::ErrorKind::CircularInclude { tpl, .. } => {
                Diagnostic::file(self.template_path(tpl), "includes itself (through other templates)")
            }
            tera::ErrorKind::TemplateNotFound(name) => {
                Diagnostic::file(self.template_path(name), format!("template `{name}` not found"))
            }
            other => Diagnostic::file(PathBuf::from(TEMPLATES_DIR), one_line(&other.to_string())),
        }
    }

    fn template_path(&self, name: &str) -> PathBuf {
        match self.site_files.get(name) {
            Some(path) => path.clone(),
            None => PathBuf::from(format!("(default theme) {TEMPLATES_DIR}/{name}")),
        }
    }
}

/// Tags that open a part of a template, closed by `end` and their name.
const OPENING_TAGS: &[&str] = &["if", "for", "block", "component", "filter", "raw"];
/// Every other tag.
const OTHER_TAGS: &[&str] = &[
    "elif",
    "else",
    "extends",
    "include",
    "import",
    "set",
    "set_global",
    "break",
    "continue",
];

/// What tera calls an "Unknown tag" at `d`'s place of `text`, said: a closing tag that is
/// not the one the last part still open expects (with that part's line), or a tag of no
/// name tera knows (with the one it is most like).
fn unknown_tag(d: Diagnostic, text: &str) -> Diagnostic {
    let offset = crate::diag::offset_of(text, d.line, d.column);
    let word = |at: usize| -> &str {
        let rest = text[at..].trim_start_matches(['{', '%', '-', ' ', '\t', '\n']);
        rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("")
    };
    let name = word(offset);
    // The parts open before it, by a scan of every `{% … %}` before it.
    let mut open: Vec<(&str, usize)> = Vec::new();
    for (at, _) in text[..offset].match_indices("{%") {
        let tag = word(at);
        if OPENING_TAGS.contains(&tag) {
            open.push((tag, text[..at].matches('\n').count() + 1));
        } else if let Some(closed) = tag.strip_prefix("end")
            && open.last().is_some_and(|(o, _)| *o == closed)
        {
            open.pop();
        }
    }
    if let Some(closed) = name.strip_prefix("end") {
        return match open.last() {
            Some((o, line)) => Diagnostic {
                message: format!("`{{% {name} %}}` where `{{% end{o} %}}` was expected"),
                ..d
            }
            .with_hint(format!(
                "the `{{% {o} %}}` of line {line} is still open: close it first"
            )),
            None => Diagnostic {
                message: format!("`{{% {name} %}}` closes nothing: no `{{% {closed} %}}` is open here"),
                ..d
            },
        };
    }
    let known: Vec<&str> = OPENING_TAGS.iter().chain(OTHER_TAGS).copied().collect();
    let d = Diagnostic {
        message: format!("unknown tag `{{% {name} %}}`"),
        ..d
    };
    match crate::diag::suggest::closest(name, &known) {
        Some(meant) => d.with_hint(format!("did you mean `{{% {meant} %}}`?")),
        None => d,
    }
}

/// A warning for each site template that replaces none of the default theme's and that no
/// template names (`extends`, `include`, `import`): most likely a mistyped override, such
/// as `artcle.html`, which the build would otherwise ignore without a word.
fn unused(sources: &[(String, String)], site_files: &HashMap<String, PathBuf>) -> Vec<Diagnostic> {
    let defaults: Vec<&str> = DEFAULT_TEMPLATES.iter().map(|(n, _)| *n).collect();
    let mut warnings: Vec<Diagnostic> = site_files
        .iter()
        .filter(|(name, _)| !defaults.contains(&name.as_str()))
        .filter(|(name, _)| {
            let named = |q: char| format!("{q}{name}{q}");
            let (double, single) = (named('"'), named('\''));
            !(sources.iter()).any(|(other, text)| other != *name && (text.contains(&double) || text.contains(&single)))
        })
        .map(|(name, path)| {
            let d = Diagnostic::warning(
                path,
                1,
                1,
                format!("`{name}` replaces no template of the theme, and no template uses it"),
            );
            match crate::diag::suggest::closest(name, &defaults) {
                Some(meant) => d.with_hint(format!("did you mean `{meant}`? Rename it to replace that one")),
                None => d.with_hint("name it after a template it replaces, or use it from one"),
            }
        })
        .collect();
    warnings.sort();
    warnings
}

/// Versions of the page templates, and of the shared ones.
fn versions(sources: &[(String, String)]) -> (HashMap<String, u64>, u64) {
    let hash = |text: &str| crate::parse::content_hash(text.as_bytes());
    let mut shared: Vec<&(String, String)> = sources
        .iter()
        .filter(|(n, _)| !PAGE_TEMPLATES.contains(&n.as_str()))
        .collect();
    shared.sort();
    let mut parts: Vec<u64> = Vec::new();
    for (name, text) in shared {
        parts.push(hash(name));
        parts.push(hash(text));
    }
    let shared_version = super::fingerprint::combine(&parts);
    let versions = sources
        .iter()
        .filter(|(n, _)| PAGE_TEMPLATES.contains(&n.as_str()))
        .map(|(name, text)| {
            let mut parts = vec![shared_version, hash(text)];
            // A page template may include or extend another page template by name.
            for (other, other_text) in sources {
                if other != name && PAGE_TEMPLATES.contains(&other.as_str()) && text.contains(&format!("\"{other}\"")) {
                    parts.push(hash(other_text));
                }
            }
            (name.clone(), super::fingerprint::combine(&parts))
        })
        .collect();
    (versions, shared_version)
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
