//! Authors, merged across every article that names them.

use ahash::AHashMap as HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use super::ArticleId;
use crate::diag::{Diagnostic, shown};
use crate::parse::profile::{AuthorProfile, ProfileLink};
use crate::parse::{Byline, plain_text};
use crate::slug::{short_hash, slugify};

/// Index of an author in `Archive::authors` (sorted by slug).
pub type AuthorId = u32;

/// An author of the archive. (Kept in the build cache without the dates, which come
/// from the articles.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Author {
    pub name: String,
    pub slug: String,
    /// Site-relative path of the author's page: `authors/<slug>/`.
    pub path: String,
    pub bio_html: Option<String>,
    pub photo: Option<String>,
    pub links: Vec<ProfileLink>,
    /// How many articles the source credited the author with (from the newest plain byline).
    pub source_count: Option<u32>,
    /// The author's articles in the archive, newest first.
    pub articles: Vec<ArticleId>,
    /// Whether `content/authors/<slug>.md` describes the author.
    pub has_profile: bool,
    #[serde(skip)]
    pub first_published: Option<DateTime<FixedOffset>>,
    #[serde(skip)]
    pub last_published: Option<DateTime<FixedOffset>>,
}

impl Author {
    fn new(name: String, slug: String) -> Author {
        Author {
            path: format!("authors/{slug}/"),
            name,
            slug,
            bio_html: None,
            photo: None,
            links: Vec::new(),
            source_count: None,
            articles: Vec::new(),
            has_profile: false,
            first_published: None,
            last_published: None,
        }
    }
}

/// The staff list being built: every author, found by the slugs of their name and aliases.
#[derive(Default)]
pub struct Staff {
    authors: Vec<Author>,
    profile_paths: Vec<Option<PathBuf>>,
    by_key: HashMap<String, usize>,
    /// Each name seen in a byline, and its author: most are seen again and again, and are
    /// then found without working out their key.
    by_name: HashMap<String, usize>,
}

impl Staff {
    /// Starts from the profiles: they own their slug, name, bio and aliases.
    pub fn from_profiles(
        root: &Path,
        mut profiles: Vec<(&Path, &AuthorProfile)>,
        problems: &mut Vec<Diagnostic>,
    ) -> Staff {
        profiles.sort_by(|a, b| a.0.cmp(b.0));
        let mut staff = Staff::default();
        for (path, profile) in profiles {
            // A stem and a name without a letter or digit (`—.md`, `name: "—"`) would give
            // the path `authors//`, the authors' index: the fallback of a byline's name.
            let slug = [slugify(&profile.file_slug), slugify(&profile.name)]
                .into_iter()
                .find(|s| !s.is_empty())
                .unwrap_or_else(|| format!("author-{}", short_hash(&profile.name)));
            let index = staff.authors.len();
            let keys = [slug.clone(), slugify(&profile.name)]
                .into_iter()
                .chain(profile.aliases.iter().map(|a| slugify(a)))
                .filter(|k| !k.is_empty());
            for key in keys {
                match staff.by_key.get(&key) {
                    Some(&other) if other != index => {
                        let other = staff.profile_paths[other].as_deref().unwrap_or(Path::new("?"));
                        problems.push(Diagnostic::file(
                            shown(root, path),
                            format!(
                                "the name or alias `{key}` is also claimed by {}",
                                shown(root, other).display()
                            ),
                        ));
                    }
                    _ => {
                        staff.by_key.insert(key, index);
                    }
                }
            }
            let mut author = Author::new(profile.name.clone(), slug);
            author.bio_html = profile.bio_html.clone();
            author.photo = profile.photo.clone();
            author.links = profile.links.clone();
            author.has_profile = true;
            staff.authors.push(author);
            staff.profile_paths.push(Some(path.to_path_buf()));
        }
        staff
    }

    /// Credits article `id` to the author of `byline` (creating the author on first sight);
    /// `bio` is the article's plain-text trailer. Articles must come newest first.
    pub fn credit(&mut self, byline: &Byline, bio: Option<&str>, id: ArticleId) -> Option<usize> {
        let index = match self.by_name.get(&byline.name) {
            Some(&index) => index,
            None => {
                let index = self.index_of_new_name(&byline.name);
                self.by_name.insert(byline.name.clone(), index);
                index
            }
        };
        let author = &mut self.authors[index];
        if author.articles.last() == Some(&id) {
            return None; // the same author twice in one byline
        }
        author.articles.push(id);
        if author.source_count.is_none() {
            author.source_count = byline.source_count;
        }
        if author.bio_html.is_none()
            && let Some(bio) = bio
        {
            let paragraphs: Vec<&str> = bio.split("\n\n").collect();
            author.bio_html = Some(plain_text::render_paragraphs(&paragraphs));
        }
        Some(index)
    }

    /// The author a name not seen before in a byline stands for (by its slug: a profile's
    /// name or alias, or an author seen under another spelling), made if need be.
    fn index_of_new_name(&mut self, name: &str) -> usize {
        let key = match slugify(name) {
            s if s.is_empty() => format!("author-{}", short_hash(name)),
            s => s,
        };
        *self.by_key.entry(key.clone()).or_insert_with(|| {
            self.authors.push(Author::new(name.to_string(), key));
            self.profile_paths.push(None);
            self.authors.len() - 1
        })
    }

    /// The authors sorted by slug, and for each index given by `credit` its final id.
    pub fn finish(self) -> (Vec<Author>, Vec<AuthorId>) {
        super::sort_by_slug(self.authors, |a| &a.slug)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::Staff;
    use crate::parse::profile::AuthorProfile;

    /// The slug property (a slug is never empty) over the profiles: a profile whose file
    /// name and name have no letter or digit gets the fallback a byline's name gets.
    #[test]
    fn a_profile_without_letters_or_digits_gets_a_slug() {
        let profile = |stem: &str, name: &str| AuthorProfile {
            file_slug: stem.into(),
            name: name.into(),
            bio_html: None,
            photo: None,
            links: Vec::new(),
            aliases: Vec::new(),
        };
        let (dash, named) = (profile("—", "—"), profile("—", "Jane Roe"));
        let mut problems = Vec::new();
        let staff = Staff::from_profiles(
            Path::new("."),
            vec![
                (Path::new("content/authors/a/—.md"), &dash),
                (Path::new("content/authors/b/—.md"), &named),
            ],
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let slugs: Vec<&str> = staff.authors.iter().map(|a| a.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [format!("author-{}", crate::slug::short_hash("—")).as_str(), "jane-roe"]
        );
        assert!(staff.authors.iter().all(|a| a.path != "authors//"));
    }
}
