//! Tags and sections: named groups of articles.

use ahash::AHashMap as HashMap;

use super::{ArticleId, Spellings, sort_by_slug};
use crate::slug::{short_hash, slugify};

/// Index of a tag in `Archive::tags` or of a section in `Archive::sections`.
pub type TermId = u32;

/// A tag or a section, merged across articles by slug (`Politics` and `politics` are one).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Term {
    /// As most articles spell it.
    pub name: String,
    pub slug: String,
    /// Site-relative path: `tags/<slug>/` or `sections/<slug>/`.
    pub path: String,
    /// Newest first.
    pub articles: Vec<ArticleId>,
}

/// The terms of one kind (tags, or sections) being collected.
pub struct TermIndex {
    /// `tags` or `sections`: the folder of their pages.
    folder: &'static str,
    terms: Vec<Term>,
    spellings: Vec<Spellings>,
    by_slug: HashMap<String, usize>,
    /// Each spelling seen, and its term: most are seen again and again, and are then found
    /// without working out their slug.
    by_spelling: HashMap<String, usize>,
}

impl TermIndex {
    pub fn new(folder: &'static str) -> TermIndex {
        TermIndex {
            folder,
            terms: Vec::new(),
            spellings: Vec::new(),
            by_slug: HashMap::new(),
            by_spelling: HashMap::new(),
        }
    }

    /// Files article `id` under `name`; returns the term's index, or `None` if the article
    /// was already filed under it. Articles must come newest first.
    pub fn add(&mut self, name: &str, id: ArticleId) -> Option<usize> {
        let index = match self.by_spelling.get(name) {
            Some(&index) => index,
            None => {
                let index = self.index_of_new_spelling(name);
                self.by_spelling.insert(name.to_string(), index);
                index
            }
        };
        self.spellings[index].see(name);
        let term = &mut self.terms[index];
        if term.articles.last() == Some(&id) {
            return None;
        }
        term.articles.push(id);
        Some(index)
    }

    /// The term a spelling not seen before belongs to (by its slug), made if need be.
    fn index_of_new_spelling(&mut self, name: &str) -> usize {
        let slug = match slugify(name) {
            s if s.is_empty() => format!("{}-{}", self.folder.trim_end_matches('s'), short_hash(name)),
            s => s,
        };
        *self.by_slug.entry(slug.clone()).or_insert_with(|| {
            self.terms.push(Term {
                name: name.to_string(),
                path: format!("{}/{slug}/", self.folder),
                slug,
                articles: Vec::new(),
            });
            self.spellings.push(Spellings::default());
            self.terms.len() - 1
        })
    }

    /// The terms sorted by slug, and for each index given by `add` its final id.
    pub fn finish(mut self) -> (Vec<Term>, Vec<TermId>) {
        for (term, spellings) in self.terms.iter_mut().zip(&self.spellings) {
            if let Some(best) = spellings.best() {
                best.clone_into(&mut term.name);
            }
        }
        sort_by_slug(self.terms, |t| &t.slug)
    }
}
