//! What a deploy does, decided before it does anything: the files to send, in an order
//! that keeps the site whole at every moment of an interrupted deploy, and the objects to
//! delete.
//!
//! The order: files the bucket does not have yet come first (a page never links to a
//! file that is not there yet), their stylesheets, scripts and images before their pages;
//! then changed files, again resources before the pages, feeds and sitemaps that link to
//! them; deletions last, once nothing links to what they remove; and the manifest at the
//! very end. A deploy stopped on the way leaves the old manifest, so the next deploy sends
//! again whatever differs from it: it finishes the work, whatever was done before.

use super::local::LocalFile;
use super::manifest::{Entry, Manifest};

/// One file to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub rel: String,
    pub len: u64,
    /// Whether the bucket had no such object (by the manifest).
    pub new: bool,
}

/// What a deploy does.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// In the order they are sent: see the module's comment.
    pub uploads: Vec<Upload>,
    /// Objects of the site that its output no longer has.
    pub deletions: Vec<String>,
    pub unchanged: usize,
    /// The manifest the bucket has once the deploy is done.
    pub manifest: Manifest,
}

impl Plan {
    /// Compares the output (`local`, with the hash of each file's headers in `meta`) with
    /// what the bucket holds by its manifest; `compress` is how text is stored now (all is
    /// sent again when it changed).
    pub fn new(local: &[LocalFile], meta: &[u64], remote: &Manifest, compress: &str) -> Plan {
        let same_storage = remote.compress == compress;
        let mut plan = Plan {
            manifest: Manifest {
                compress: compress.to_string(),
                files: Default::default(),
            },
            ..Plan::default()
        };
        for (file, &meta) in local.iter().zip(meta) {
            let entry = Entry {
                hash: file.hash,
                len: file.len,
                meta,
            };
            match remote.files.get(&file.rel) {
                Some(old) if *old == entry && same_storage => plan.unchanged += 1,
                old => plan.uploads.push(Upload {
                    rel: file.rel.clone(),
                    len: file.len,
                    new: old.is_none(),
                }),
            }
            plan.manifest.files.insert(file.rel.clone(), entry);
        }
        plan.deletions = remote
            .files
            .keys()
            .filter(|rel| !plan.manifest.files.contains_key(*rel))
            .cloned()
            .collect();
        sort(&mut plan.uploads);
        plan
    }

    /// The bytes it sends (before compression).
    pub fn bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.len).sum()
    }
}

impl Upload {
    /// The group it is sent with (see the module's comment): new before changed, then
    /// resources before documents.
    pub fn group(&self) -> (bool, bool) {
        (!self.new, is_document(&self.rel))
    }
}

/// Puts uploads in the order they are sent: by group, then by path.
pub fn sort(uploads: &mut [Upload]) {
    uploads.sort_by(|a, b| (a.group(), &a.rel).cmp(&(b.group(), &b.rel)));
}

/// Pages, feeds, sitemaps and the like: files that link to others, sent after them.
pub fn is_document(rel: &str) -> bool {
    [".html", ".htm", ".xml", ".txt"].iter().any(|ext| rel.ends_with(ext)) || rel == "_redirects"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, hash: u64) -> LocalFile {
        LocalFile {
            rel: rel.into(),
            hash,
            len: 10,
        }
    }

    #[test]
    fn new_files_go_first_resources_before_pages_and_deletions_last() {
        let before = [
            file("index.html", 1),
            file("2025/a/index.html", 2),
            file("style.aaaa.css", 3),
            file("gone/index.html", 4),
        ];
        let meta = [7; 4];
        let first = Plan::new(&before, &meta, &Manifest::default(), "none");
        assert_eq!(first.uploads.len(), 4);
        assert!(first.uploads.iter().all(|u| u.new));
        assert_eq!(first.uploads[0].rel, "style.aaaa.css", "resources before pages");
        assert_eq!(first.deletions, Vec::<String>::new());

        // A new article with a new stylesheet; the home page changes; an old page is gone.
        let after = [
            file("index.html", 10),
            file("2025/a/index.html", 2),
            file("2025/b/index.html", 5),
            file("style.aaaa.css", 3),
            file("style.bbbb.css", 6),
        ];
        let plan = Plan::new(&after, &[7; 5], &first.manifest, "none");
        let order: Vec<(&str, bool)> = plan.uploads.iter().map(|u| (u.rel.as_str(), u.new)).collect();
        assert_eq!(
            order,
            [
                ("style.bbbb.css", true),
                ("2025/b/index.html", true),
                ("index.html", false)
            ]
        );
        assert_eq!(plan.deletions, ["gone/index.html"]);
        assert_eq!(plan.unchanged, 2);
        assert_eq!(plan.manifest.files.len(), 5);

        // Nothing changed: nothing to do.
        let again = Plan::new(&after, &[7; 5], &plan.manifest, "none");
        assert_eq!((again.uploads.len(), again.deletions.len(), again.unchanged), (0, 0, 5));
        // New headers, or another way of storing text, send the files again.
        let headers = Plan::new(&after, &[7, 7, 8, 7, 7], &plan.manifest, "none");
        assert_eq!(headers.uploads.len(), 1);
        let gzip = Plan::new(&after, &[7; 5], &plan.manifest, "gzip");
        assert_eq!(gzip.uploads.len(), 5);
    }
}
