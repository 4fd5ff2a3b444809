//! The article page.

use std::path::Path;

use chrono::Datelike;
use serde::Serialize;
use tera::Value;

use super::{Meta, WithPage, to_context, trail};
use crate::diag::{Diagnostic, shown};
use crate::model::ArticleId;
use crate::parse::Correction;
use crate::parse::date::ArticleDate;
use crate::render::fingerprint;
use crate::render::jsonld::{self, Trail};
use crate::render::pages::Page;
use crate::render::views::*;
use crate::render::{Mode, Prepared, Renderer};

/// The context of an article page; `A` is `article` (the card with `ArticleOwn`) and `B` the breadcrumbs
/// (or, for a fingerprint, what they are made from).
#[derive(Serialize)]
pub struct ArticlePage<A, B> {
    pub article: A,
    /// The body's HTML (none in a fingerprint, which has the source's hash instead).
    pub body: Value,
    /// The next newer and older articles of the archive.
    pub newer: Option<Prebuilt>,
    pub older: Option<Prebuilt>,
    /// Other articles by each author, around this one in time.
    pub more: Vec<MoreBy>,
    pub breadcrumbs: B,
}

/// What `article` is made from, for a fingerprint: the card stands for its own
/// fingerprint (`card_fingerprint` follows `Card::new`, with the environment that shapes
/// dates and links), the rest is the article's own fields that the view shows.
#[derive(Serialize)]
struct ArticleKey<'a> {
    card: u64,
    updated: Option<ArticleDate>,
    corrections: &'a [Correction],
    source: &'a Path,
}

#[derive(Serialize)]
pub struct MoreBy {
    /// The author's link, shared with every card that names them.
    pub author: Prebuilt,
    pub articles: Vec<Prebuilt>,
}

/// The cards an article page shows besides its own: more by each author, the next newer
/// and the next older article.
type Around<'a> = (Vec<MoreBy>, Option<Prebuilt>, Option<Prebuilt>);

impl Renderer<'_> {
    pub(super) fn article_context(&self, id: ArticleId, mode: Mode) -> Result<Prepared, Diagnostic> {
        if mode.renders() {
            return self.article_render_context(id);
        }
        // Structured data and breadcrumbs are made of the values below (the crumbs of the
        // article's day), and the body of the source (its hash): a fingerprint need not
        // build them.
        let article = self.env.archive.article(id);
        let source = shown(self.input.root, &article.source);
        let (more, newer, older) = self.around(id, mode);
        let day = article.date.day();
        let view = ArticlePage {
            article: ArticleKey {
                card: self.card_hash(id as usize),
                updated: article.updated,
                corrections: &article.corrections,
                source: &source,
            },
            body: Value::none(),
            newer,
            older,
            more,
            breadcrumbs: (day.year(), day.month(), day.day()),
        };
        let page = Page::Article(id);
        match self.finish(mode, &page, &article.title, &article.summary, Meta::default(), view)? {
            Prepared::Fingerprint(f) => Ok(Prepared::Fingerprint(fingerprint::combine(&[
                f,
                fingerprint::body(self.env.config, article.source_hash),
            ]))),
            context => Ok(context),
        }
    }

    /// The context of an article page to render: its body read from the source and
    /// rendered.
    fn article_render_context(&self, id: ArticleId) -> Result<Prepared, Diagnostic> {
        let mode = Mode::Render;
        let env = &self.env;
        let article = env.archive.article(id);
        let source = shown(self.input.root, &article.source);
        let body = self.body_of(article, &source)?;
        let (more, newer, older) = self.around(id, mode);
        let breadcrumbs = self.day_crumbs(article.date.day());
        let mut full_trail = trail(&breadcrumbs);
        full_trail.push(Trail {
            name: &article.title,
            url: env.url(&article.path),
        });
        let meta = Meta {
            jsonld: Some(jsonld::news_article(env, article, &full_trail)),
            feed: None,
        };
        let own = ArticleOwn {
            updated: article.updated.as_ref().map(|d| DateView::new(env, d)),
            modified: article
                .modified()
                .filter(|m| m.at > article.date.at)
                .map(|d| DateView::new(env, &d)),
            corrections: article
                .corrections
                .iter()
                .map(|c| CorrectionView {
                    date: DateView::new(env, &c.date),
                    text: &c.text,
                })
                .collect(),
            source: source.to_string_lossy().into_owned(),
        };
        let view = ArticlePage {
            article: self.article_value(id, &own),
            body: Value::safe_string(&body),
            newer,
            older,
            more,
            breadcrumbs: self.day_crumbs_value(id as usize, &breadcrumbs),
        };
        let page = self.page_view(&Page::Article(id), &article.title, &article.summary, meta);
        let context = to_context(&WithPage { page, rest: view });
        self.keep_for_feeds(id, body);
        Ok(Prepared::Context(context))
    }

    /// `article`: the article's card (shared with the listings that show it, and made
    /// once) with what only its own page shows.
    fn article_value(&self, id: ArticleId, own: &ArticleOwn<'_>) -> Value {
        let card = self.card(id as usize, Mode::Render);
        let mut map = card.value.as_ref().and_then(Value::as_map).cloned().unwrap_or_default();
        if let Some(own) = Value::from_serializable(own).as_map() {
            map.extend(own.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        Value::from(map)
    }

    fn around(&self, id: ArticleId, mode: Mode) -> Around<'_> {
        let archive = self.env.archive;
        let more = archive
            .article(id)
            .authors
            .iter()
            .map(|&a| {
                let author = archive.author(a);
                let ids: Vec<ArticleId> = neighbours(&author.articles, id, MORE_BY).collect();
                MoreBy {
                    author: Shared::get(&self.env.shared.authors, a),
                    articles: self.cards_of(&ids, mode),
                }
            })
            .filter(|m| !m.articles.is_empty())
            .collect();
        let i = id as usize;
        let newer = i.checked_sub(1).map(|j| self.card(j, mode));
        let older = (i + 1 < self.cards.len()).then(|| self.card(i + 1, mode));
        (more, newer, older)
    }
}

/// How many other articles by each author an article page shows.
const MORE_BY: usize = 4;

/// The articles of `list` (an author's article ids, ascending) whose pages may show `id`
/// among more by the author: those up to `MORE_BY` places from it.
pub fn shown_with(list: &[ArticleId], id: ArticleId) -> impl Iterator<Item = ArticleId> + '_ {
    let at = list.binary_search(&id).unwrap_or_else(|i| i);
    list[at.saturating_sub(MORE_BY)..(at + MORE_BY + 1).min(list.len())]
        .iter()
        .copied()
}

/// Up to `count` of `list` (an author's article ids, ascending) nearest to `id`, without it.
fn neighbours(list: &[ArticleId], id: ArticleId, count: usize) -> impl Iterator<Item = ArticleId> + '_ {
    let at = list.binary_search(&id).unwrap_or_else(|i| i);
    let after = if list.get(at) == Some(&id) { at + 1 } else { at };
    let newer = at.min(count / 2).max(count.saturating_sub(list.len() - after));
    let start = at.saturating_sub(newer);
    let rest = count - (at - start);
    list[start..at].iter().chain(list[after..].iter().take(rest)).copied()
}

#[cfg(test)]
mod tests {
    use super::neighbours;

    #[test]
    fn neighbours_fill_from_both_sides() {
        let list = [1, 3, 5, 7, 9, 11, 13];
        let around = |id| neighbours(&list, id, 4).collect::<Vec<_>>();
        assert_eq!(around(7), [3, 5, 9, 11]);
        assert_eq!(around(1), [3, 5, 7, 9]);
        assert_eq!(around(13), [5, 7, 9, 11]);
        assert_eq!(around(11), [5, 7, 9, 13]);
        assert_eq!(neighbours(&[4], 4, 4).count(), 0);
        assert_eq!(neighbours(&[4, 8], 8, 4).collect::<Vec<_>>(), [4]);
    }
}
