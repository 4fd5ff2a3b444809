//! The archive: articles sorted newest first, authors, tags and sections aggregated across
//! articles, and the date indexes, all built once. Listings are slices or index lists into
//! `articles`.

mod archive;
mod article;
mod author;
mod term;

pub use archive::{Archive, BuildInput, Day, Edit, Month, Patch, Selection, StoredArchive, Year, normalize_alias};
pub use article::{Article, ArticleId};
pub use author::{Author, AuthorId};
pub use term::{Term, TermId};

/// Sorts `items` by slug; also returns, for each old position, the new one.
fn sort_by_slug<T>(items: Vec<T>, slug: impl Fn(&T) -> &str) -> (Vec<T>, Vec<u32>) {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| slug(&items[a]).cmp(slug(&items[b])));
    let mut new_id = vec![0u32; order.len()];
    for (new, &old) in order.iter().enumerate() {
        new_id[old] = new as u32;
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    let sorted = order
        .iter()
        .map(|&old| slots[old].take().expect("each item once"))
        .collect();
    (sorted, new_id)
}

/// The spellings a name was seen with; the name shown is the most frequent one, ties
/// going to the one seen first (the newest article's).
#[derive(Debug, Default, Clone)]
struct Spellings(Vec<(String, u32)>);

impl Spellings {
    fn see(&mut self, spelling: &str) {
        match self.0.iter_mut().find(|(s, _)| s == spelling) {
            Some((_, n)) => *n += 1,
            None => self.0.push((spelling.to_string(), 1)),
        }
    }

    /// The most frequent spelling (the first seen among equals).
    fn best(&self) -> Option<&str> {
        let mut best: Option<&(String, u32)> = None;
        for entry in &self.0 {
            if best.is_none_or(|b| entry.1 > b.1) {
                best = Some(entry);
            }
        }
        best.map(|(s, _)| s.as_str())
    }
}

#[cfg(test)]
mod spelling_tests {
    use super::Spellings;

    #[test]
    fn most_frequent_spelling_wins_then_the_first_seen() {
        let mut s = Spellings::default();
        for x in ["politics", "Politics", "Politics", "POLITICS"] {
            s.see(x);
        }
        assert_eq!(s.best(), Some("Politics"));
        let mut s = Spellings::default();
        s.see("b");
        s.see("a");
        assert_eq!(s.best(), Some("b"));
    }
}
