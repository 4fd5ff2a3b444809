//! Publishing: what a site has published and where it goes.
//!
//! - [`urls`]: `urls.lock`, the record of every URL the site has published, so that none
//!   is lost by a later build;
//! - [`deploy`]: `dateline deploy`, the output folder sent to S3-compatible object
//!   storage, only what changed;
//! - [`hosts`]: what static hosts refuse or ignore (`dateline check --host`);
//! - [`hub`]: WebSub, the feeds' hub told of the feeds a deploy changed;
//! - [`nginx`]: the redirects as an nginx snippet, for a site served by nginx.

pub(crate) mod deploy;
pub(crate) mod hosts;
pub(crate) mod hub;
pub(crate) mod nginx;
pub(crate) mod urls;

pub use urls::{Move, UrlPolicy, UrlReport};
