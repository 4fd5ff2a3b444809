//! Every problem a user can cause: the message names the file, line and column, every
//! problem is reported, and the previous output stays as it was.

mod common;

use common::{Site, tree};

const CONFIG: &str = "title = \"Errors\"\nbase_url = \"https://example.org/\"\n";
const GOOD: &str = "---\ntitle: Good\ndate: 2025-01-02T10:00:00Z\nauthor: Jane Roe\n---\nFine.\n";

/// A site that built once; returns it with the output it produced.
fn site_with_output() -> (Site, Vec<(String, Vec<u8>)>) {
    common::built_with(CONFIG, "content/2025/01/good.md", GOOD)
}

/// Builds, expecting failure: returns the messages, and checks the output is untouched.
fn fails(site: &Site, before: &[(String, Vec<u8>)]) -> Vec<String> {
    let err = site.build().expect_err("the build should fail");
    assert_eq!(tree(&site.out()), before, "the output changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dateline-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
    let root = format!("{}/", site.root().display());
    let list = err
        .problems()
        .unwrap_or_else(|| panic!("not problems of the site's files: {err}"));
    list.iter().map(|d| d.to_string().replace(&root, "")).collect()
}

fn assert_one(messages: &[String], expected_start: &str) {
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].starts_with(expected_start),
        "expected {expected_start:?}, got {:?}",
        messages[0]
    );
}

#[test]
fn missing_title() {
    let (site, before) = site_with_output();
    site.write("content/2025/01/bad.md", "---\ndate: 2025-01-02\n---\nx\n");
    assert_one(
        &fails(&site, &before),
        "content/2025/01/bad.md:1:1: error: missing `title` in the front matter",
    );
}

#[test]
fn missing_date() {
    let (site, before) = site_with_output();
    site.write("content/2025/01/bad.md", "+++\ntitle = 'T'\n+++\nx\n");
    let m = fails(&site, &before);
    assert_one(
        &m,
        "content/2025/01/bad.md:1:1: error: missing `date` in the front matter",
    );
    assert!(m[0].contains("hint: use RFC 3339"), "{}", m[0]);
}

#[test]
fn unparseable_date() {
    let (site, before) = site_with_output();
    site.write("content/2025/01/bad.md", "---\ntitle: T\ndate: 2025-02-30\n---\nx\n");
    assert_one(
        &fails(&site, &before),
        "content/2025/01/bad.md:3:7: error: invalid `date`: `2025-02-30` is not a date",
    );
}

#[test]
fn broken_yaml() {
    let (site, before) = site_with_output();
    site.write(
        "content/2025/01/bad.md",
        "---\ntitle: T\ndate: 2025-01-02\ntags: [a, b\n---\nx\n",
    );
    assert_one(&fails(&site, &before), "content/2025/01/bad.md:4:");
}

#[test]
fn broken_toml() {
    let (site, before) = site_with_output();
    site.write(
        "content/2025/01/bad.md",
        "+++\ntitle = 'T'\ndate = 2025-01-02\nauthors = [\"x\" \"y\"]\n+++\nx\n",
    );
    assert_one(&fails(&site, &before), "content/2025/01/bad.md:4:");
}

#[test]
fn unterminated_front_matter() {
    let (site, before) = site_with_output();
    site.write("content/2025/01/bad.md", "---\ntitle: T\ndate: 2025-01-02\n\nBody\n");
    assert_one(
        &fails(&site, &before),
        "content/2025/01/bad.md:1:1: error: front matter opened with `---` is never closed",
    );
}

#[test]
fn unknown_front_matter_key() {
    let (site, before) = site_with_output();
    site.write(
        "content/2025/01/bad.md",
        "---\ntitle: T\ndate: 2025-01-02\ncategories: [x]\n---\nx\n",
    );
    assert_one(
        &fails(&site, &before),
        "content/2025/01/bad.md:4:1: error: unknown front matter key `categories`",
    );
}

/// A mistyped key gets the known key most like it; a list given to a key that takes one
/// value, the key that takes a list.
#[test]
fn front_matter_mistakes_get_a_suggestion() {
    let (site, before) = site_with_output();
    // The messages of a build with `text` as an article.
    let with = |text: &str| {
        site.write("content/2025/01/bad.md", text);
        fails(&site, &before)
    };
    assert_one(
        &with("---\ntitle: T\ndate: 2025-01-02\ntag: [x]\n---\nx\n"),
        "content/2025/01/bad.md:4:1: error: unknown front matter key `tag`\n  hint: did you mean `tags`?",
    );
    let messages = with("---\ntitle: T\ndate: 2025-01-02\nauthor: [\"Jane Roe\", \"Ann Lee\"]\n---\nx\n");
    assert_one(&messages, "content/2025/01/bad.md:4:9: error: ");
    assert!(
        messages[0].ends_with("hint: `author` takes one; a list goes in `authors`"),
        "{messages:?}"
    );
    // Every problem of the front matter, not only the first.
    let messages = with("---\ntitle: T\ndate: 2025-01-02\nauthor: [\"Jane Roe\"]\ntag: [x]\nsumary: S\n---\nx\n");
    let firsts: Vec<&str> = messages.iter().map(|m| m.lines().next().unwrap()).collect();
    assert_eq!(
        firsts,
        [
            "content/2025/01/bad.md:4:9: error: expected string scalar",
            "content/2025/01/bad.md:5:1: error: unknown front matter key `tag`",
            "content/2025/01/bad.md:6:1: error: unknown front matter key `sumary`",
        ]
    );
    assert!(messages[2].ends_with("hint: did you mean `summary`?"), "{messages:?}");
    assert_one(
        &with("+++\ntitle = \"T\"\ndate = 2025-01-02\ntitel = \"U\"\n+++\nx\n"),
        "content/2025/01/bad.md:4:1: error: unknown front matter key `titel`\n  hint: did you mean `title`?",
    );
}

/// Every problem of the configuration at once: each unknown key named with its table and
/// the known key it is most like, and the other keys still checked.
#[test]
fn every_configuration_problem_at_once() {
    let (site, before) = site_with_output();
    site.write(
        "dateline.toml",
        format!(
            "{CONFIG}pagination = 3\ntimezone = \"Mars/Olympus\"\n[publisher]\nnmae = \"Zoë’s Ñews\"\n[publishr]\nname = \"Y\"\n[search]\nenabeld = false\n"
        ),
    );
    let messages = fails(&site, &before);
    let firsts: Vec<String> = messages.iter().map(|m| m.replace("\n  hint: ", " | ")).collect();
    assert_eq!(
        firsts,
        [
            "dateline.toml:3:1: error: unknown key `pagination` in dateline.toml | did you mean `paginate`?",
            "dateline.toml:4:12: error: unknown time zone `Mars/Olympus` | use an IANA name such as \"UTC\", \"Europe/Paris\" or \"Asia/Tokyo\"",
            "dateline.toml:6:1: error: unknown key `nmae` in [publisher] | did you mean `name`?",
            "dateline.toml:7:2: error: unknown table `[publishr]` in dateline.toml | did you mean `[publisher]`?",
            "dateline.toml:10:1: error: unknown key `enabeld` in [search] | did you mean `enabled`?",
        ]
    );
}

#[test]
fn unknown_config_key() {
    let (site, before) = site_with_output();
    site.write(
        "dateline.toml",
        format!("{CONFIG}\n[publisher]\nname = \"X\"\nlogo_url = \"y\"\n"),
    );
    assert_one(
        &fails(&site, &before),
        "dateline.toml:6:1: error: unknown key `logo_url`",
    );
}

#[test]
fn invalid_utf8() {
    let (site, before) = site_with_output();
    site.write(
        "content/2025/01/bad.md",
        b"---\ntitle: T\ndate: 2025-01-02\n---\nCaf\xe9 au lait\n".as_slice(),
    );
    assert_one(
        &fails(&site, &before),
        "content/2025/01/bad.md:5:4: error: invalid UTF-8",
    );
}

#[test]
fn text_file_not_in_the_plain_layout() {
    let (site, before) = site_with_output();
    site.write(
        "content/notes.txt",
        "Remember to call the desk.\n\nAsk about the budget.\n",
    );
    let m = fails(&site, &before);
    assert_one(
        &m,
        "content/notes.txt:3:1: error: not in the plain layout: `Ask about the budget.` is not a date line",
    );
    assert!(m[0].contains("hint: a .txt article is"), "{}", m[0]);
}

#[test]
fn two_sources_claim_one_url() {
    let (site, before) = site_with_output();
    site.write(
        "content/2025/01/copy.txt",
        "Good\n\nThu Jan 2 2025\nJane Roe (2 articles)\n\nAnother body.\n",
    );
    assert_one(
        &fails(&site, &before),
        "content/2025/01/good.md:1:1: error: the URL /2025/01/02/good/ is claimed by both content/2025/01/copy.txt and content/2025/01/good.md",
    );
}

#[test]
fn template_syntax_error() {
    let (site, before) = site_with_output();
    site.write(
        "templates/day.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ day.long }</h1>\n{% endblock main %}\n",
    );
    assert_one(&fails(&site, &before), "templates/day.html:3:");
}

/// A template's mistake shows its line, with a caret at the place; a tag that closes the
/// wrong part says which part is open and where, and a mistyped tag the one it is like.
#[test]
fn template_mistakes_show_the_line_and_what_was_expected() {
    let (site, before) = site_with_output();
    let day =
        |main: &str| format!("{{% extends \"base.html\" %}}\n{{% block main %}}\n{main}\n{{% endblock main %}}\n");
    site.write("templates/day.html", day("<h1>{{ day.long ! }}</h1>"));
    assert_eq!(
        fails(&site, &before),
        [
            "templates/day.html:3:17: error: Found `!` but expected }}.\n  |\n3 | <h1>{{ day.long ! }}</h1>\n  |                 ^"
        ]
    );
    site.write("templates/day.html", day("{% if day.long %}<h1>x</h1>"));
    assert_eq!(
        fails(&site, &before),
        [
            "templates/day.html:4:4: error: `{% endblock %}` where `{% endif %}` was expected\n  |\n4 | {% endblock main %}\n  |    ^\n  hint: the `{% if %}` of line 3 is still open: close it first"
        ]
    );
    site.write("templates/day.html", day("{% iff day.long %}x{% endif %}"));
    let messages = fails(&site, &before);
    assert_one(&messages, "templates/day.html:3:4: error: unknown tag `{% iff %}`\n");
    assert!(messages[0].ends_with("hint: did you mean `{% if %}`?"), "{messages:?}");
}

#[test]
fn template_using_a_missing_variable() {
    let (site, before) = site_with_output();
    site.write("templates/article.html", "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n  <p>{{ article.subtitle }}</p>\n{% endblock main %}\n");
    let m = fails(&site, &before);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].starts_with("templates/article.html:4:"), "{}", m[0]);
    assert!(m[0].contains("subtitle"), "{}", m[0]);
}

#[test]
fn unreadable_file() {
    let (site, before) = site_with_output();
    // A link to nothing cannot be read, whoever runs the test.
    std::os::unix::fs::symlink(
        site.root().join("missing.md"),
        site.root().join("content/2025/01/linked.md"),
    )
    .unwrap();
    let m = fails(&site, &before);
    assert_one(&m, "content/2025/01/linked.md:1:1: error: cannot read:");
}

#[test]
fn unreadable_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let (site, before) = site_with_output();
    let path = site.root().join("content/2025/01/secret.md");
    std::fs::write(&path, GOOD.replace("Good", "Secret")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if common::reads_anything(&path) {
        // Run as root (as CI runs), a mode of 0 stops no read: build as `nobody`.
        let output = common::run_as_nobody(site.root(), &path, &["build", "--now", "2026-01-15T12:00:00Z"]);
        let stderr = common::site_stderr(site.root(), &output);
        assert!(!output.status.success(), "{stderr}");
        assert!(
            stderr.contains("content/2025/01/secret.md:1:1: error: cannot read: Permission denied"),
            "{stderr}"
        );
        assert_eq!(tree(&site.out()), before, "the output changed");
        return;
    }
    assert_one(
        &fails(&site, &before),
        "content/2025/01/secret.md:1:1: error: cannot read: Permission denied",
    );
}

#[test]
fn every_problem_is_reported_sorted_by_path() {
    let (site, before) = site_with_output();
    site.write("content/b.md", "---\ntitle: B\n---\n");
    site.write("content/a.txt", "A\n\nnope\n");
    site.write("content/c.md", "---\ndate: x\n---\n");
    site.write("templates/home.html", "{% if %}");
    let m = fails(&site, &before);
    let paths: Vec<&str> = m.iter().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "content/a.txt",
            "content/b.md",
            "content/c.md",
            "content/c.md",
            "templates/home.html"
        ],
        "{m:#?}"
    );
}

#[test]
fn missing_config() {
    let site = Site::with_config(CONFIG);
    std::fs::remove_file(site.root().join("dateline.toml")).unwrap();
    let err = site.build().unwrap_err();
    let m = err.problems().and_then(|list| list.iter().next()).unwrap().to_string();
    assert!(m.contains("dateline.toml:1:1: error: no dateline.toml"), "{m}");
    assert!(m.contains("dateline init"), "{m}");
}

/// A build whose cache cannot be saved stands, and says so beside what it did; a build
/// that fails too keeps its problems, with the cache beside them.
#[test]
fn a_cache_that_cannot_be_saved_does_not_undo_the_build() {
    let site = Site::with_config(CONFIG);
    site.write("content/2025/01/good.md", GOOD);
    // A folder stands where the cache's header goes, the file a save writes last.
    let cache = site.root().join(dateline::internals::cache_dir(&site.out()));
    std::fs::create_dir_all(cache.join("header.bin").join("in-the-way")).unwrap();
    let summary = site.build().expect("the build stands");
    assert!(site.out().join("index.html").is_file());
    let warning = summary
        .cache_not_saved
        .expect("the cache is said not to be saved")
        .to_string();
    let start = format!("cannot write {}: ", cache.join("header.bin").display());
    assert!(warning.starts_with(&start), "{warning}");
    assert!(
        warning.ends_with("; the next build will read and write everything again"),
        "{warning}"
    );

    site.write("content/2025/01/bad.md", "---\ndate: 2025-01-02\n---\nx\n");
    let err = site.build().expect_err("the build fails");
    assert_eq!(err.problems().map(|list| list.len()), Some(1), "{err}");
    assert!(err.cache_not_saved().is_some(), "{err}");
}

/// A mistake inside a component that `cached` renders is reported where it is: at its
/// line in the site's own `macros.html`, not only where the component was called.
#[test]
fn a_mistake_in_a_cached_component_is_reported_at_its_own_line() {
    let (site, before) = site_with_output();
    let macros = include_str!("../templates/macros.html");
    let line = macros
        .lines()
        .position(|l| l.contains("<p class=\"meta\">"))
        .expect("the card's meta line")
        + 1;
    site.write(
        "templates/macros.html",
        macros.replace("{{ a.date.date }}", "{{ a.date.dat }}"),
    );
    let m = fails(&site, &before);
    assert!(!m.is_empty());
    for message in &m {
        assert!(
            message.starts_with(&format!("templates/macros.html:{line}:")),
            "{message}"
        );
        assert!(message.contains("dat"), "{message}");
    }
}

/// `asset_url` of a file that is not there fails the build at the call, naming the file.
#[test]
fn asset_url_of_a_missing_file() {
    let (site, before) = site_with_output();
    site.write(
        "templates/day.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ day.long }}</h1>\n<img src=\"{{ asset_url(path='img/chart.png') }}\" alt=\"\">\n{% endblock main %}\n",
    );
    let m = fails(&site, &before);
    assert_one(&m, "templates/day.html:4:");
    assert!(
        m[0].contains("asset_url(): there is no `img/chart.png` in static/ or the default theme"),
        "{}",
        m[0]
    );
    // In the theme's own templates, the theme's file is named.
    site.write("static/img/chart.png", "PNG");
    site.built();
    site.write(
        "templates/base.html",
        include_str!("../templates/base.html").replace("style.css", "styles.css"),
    );
    let before = tree(&site.out());
    let m = fails(&site, &before);
    assert!(
        !m.is_empty() && m.iter().all(|m| m.starts_with("templates/base.html:9:")),
        "{m:#?}"
    );
    assert!(m[0].contains("no `styles.css`"), "{}", m[0]);
}
