//! What other sites answered for their URLs, kept in `SITE/.dateline/external-links` so
//! that the next check within a day asks them nothing again: an archive links to the same
//! few thousand pages on every run, and their servers need not hear of it each time.
//!
//! JSON, for anyone who wants to look: `{"version": 1, "links": {URL: {"status": 200,
//! "checked": UNIX_SECONDS, "moved_to": null}}}`. Only answers are kept (a status, and
//! where a permanent redirect led): a URL that could not be reached at all is asked again
//! next time, as the network may have been what failed. A file that cannot be read is an
//! empty cache; it is written whole or not at all (into a file beside it, then renamed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{IoError, IoResultExt};

/// The cache's file, relative to the site's folder.
pub const FILE: &str = ".dateline/external-links";

/// Answers older than this are dropped when the cache is written: kept for a day's
/// reuse, and a while longer in case `max_age` is set longer, but not for ever.
const KEPT: Duration = Duration::from_secs(30 * 24 * 60 * 60);

const VERSION: u32 = 1;

/// What a server answered for a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The status of the last response (after redirects).
    pub status: u16,
    /// When it was asked, in seconds since 1970.
    pub checked: u64,
    /// Where the URL leads if its first answer was a permanent redirect (301, 308).
    pub moved_to: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    version: u32,
    links: BTreeMap<String, Answer>,
}

/// The answers known, read from `path`.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    links: BTreeMap<String, Answer>,
}

/// Seconds since 1970 at `time`.
pub fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Cache {
    /// The cache of the site at `site` (empty if it has none, or none that can be read).
    pub fn read(site: &Path) -> Cache {
        let path = site.join(FILE);
        let links = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|stored| stored.version == VERSION)
            .map(|stored| stored.links)
            .unwrap_or_default();
        Cache { path, links }
    }

    /// The answer for `url` if it was given less than `max_age` before `now`.
    pub fn fresh(&self, url: &str, now: SystemTime, max_age: Duration) -> Option<&Answer> {
        let now = seconds(now);
        self.links
            .get(url)
            .filter(|a| a.checked <= now && now - a.checked < max_age.as_secs())
    }

    pub fn insert(&mut self, url: String, answer: Answer) {
        self.links.insert(url, answer);
    }

    /// Writes the cache (without answers older than `KEPT` at `now`), whole or not at all.
    pub fn write(&self, now: SystemTime) -> Result<(), IoError> {
        let oldest = seconds(now).saturating_sub(KEPT.as_secs());
        let stored = Stored {
            version: VERSION,
            links: (self.links.iter())
                .filter(|(_, a)| a.checked >= oldest)
                .map(|(url, a)| (url.clone(), a.clone()))
                .collect(),
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).at("create", dir)?;
        }
        let tmp = self.path.with_extension(format!("tmp-{}", std::process::id()));
        let bytes = serde_json::to_vec_pretty(&stored)
            .map_err(std::io::Error::other)
            .at("write", &tmp)?;
        std::fs::write(&tmp, bytes).at("write", &tmp)?;
        std::fs::rename(&tmp, &self.path).at("write", &self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);

    fn answer(status: u16, checked: u64) -> Answer {
        Answer {
            status,
            checked,
            moved_to: None,
        }
    }

    #[test]
    fn answers_are_fresh_for_a_day_and_kept_a_month() {
        let site = tempfile::tempdir().unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(100 * DAY.as_secs());
        let at = |seconds_ago: u64| seconds(now) - seconds_ago;
        let mut cache = Cache::read(site.path());
        cache.insert("https://a.org/".into(), answer(200, at(60)));
        cache.insert("https://b.org/".into(), answer(404, at(DAY.as_secs())));
        cache.insert("https://c.org/".into(), answer(200, at(31 * DAY.as_secs())));
        cache.write(now).unwrap();

        let cache = Cache::read(site.path());
        assert_eq!(cache.fresh("https://a.org/", now, DAY), Some(&answer(200, at(60))));
        assert_eq!(cache.fresh("https://b.org/", now, DAY), None, "a day old");
        assert!(cache.fresh("https://b.org/", now, 2 * DAY).is_some());
        assert!(cache.fresh("https://c.org/", now, 100 * DAY).is_none(), "dropped");
        assert!(cache.fresh("https://d.org/", now, DAY).is_none());
        let leftovers: Vec<_> = std::fs::read_dir(site.path().join(".dateline")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left");
    }

    #[test]
    fn a_cache_that_cannot_be_read_is_empty() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join(".dateline")).unwrap();
        std::fs::write(site.path().join(FILE), "{not json").unwrap();
        let cache = Cache::read(site.path());
        assert!(cache.links.is_empty());
    }
}
