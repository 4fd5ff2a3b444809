//! The archive: articles sorted newest first, authors aggregated across articles, and the
//! date indexes, all built once. Listings are slices or index lists into `articles`.

mod archive;
mod article;
mod author;

pub use archive::{Archive, BuildInput, Day, Month, Selection, Year};
pub use article::{Article, ArticleId};
pub use author::{Author, AuthorId};
