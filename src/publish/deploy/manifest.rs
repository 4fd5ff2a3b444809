//! The deploy manifest: what the last deploy put in the bucket, kept in the bucket beside
//! the site (`PREFIX/.dateline/deploy-manifest`, gzip-compressed text). A deploy compares
//! the output folder with it instead of listing the bucket and hashing every file, so a
//! deploy after one new article reads one object and sends a few dozen.
//!
//! The text: a first line naming the format, a line `compress NAME`, then one line a file,
//! sorted by path: `PATH<tab>HASH<tab>LENGTH<tab>META`, HASH the xxh3 of the file's bytes
//! in the output folder (as the build record keeps it), LENGTH their count, and META a hash
//! of the object's headers (`Content-Type`, `Cache-Control`, `Content-Encoding`): a file
//! whose bytes or headers changed is sent again.

use std::collections::BTreeMap;
use std::io::{Read, Write};

/// The manifest's key, under the site's folder of the bucket.
pub const KEY: &str = ".dateline/deploy-manifest";

const FIRST_LINE: &str = "dateline deploy manifest 1";

/// What the last deploy sent of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub hash: u64,
    pub len: u64,
    pub meta: u64,
}

/// What a deploy put in the bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// How its text files were stored (`none`, `gzip`, `br`).
    pub compress: String,
    pub files: BTreeMap<String, Entry>,
}

impl Manifest {
    /// Reads a manifest's text; an error names the line.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, FIRST_LINE)) => {}
            _ => return Err(format!("line 1: not a deploy manifest (expected `{FIRST_LINE}`)")),
        }
        let compress = match lines.next() {
            Some((_, line)) if line.starts_with("compress ") => line["compress ".len()..].to_string(),
            _ => return Err("line 2: expected `compress NAME`".into()),
        };
        let mut files = BTreeMap::new();
        for (n, line) in lines {
            let bad = || format!("line {}: expected PATH, HASH, LENGTH and META separated by tabs", n + 1);
            let mut parts = line.split('\t');
            let (Some(path), Some(hash), Some(len), Some(meta), None) =
                (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            let entry = Entry {
                hash: u64::from_str_radix(hash, 16).map_err(|_| bad())?,
                len: len.parse().map_err(|_| bad())?,
                meta: u64::from_str_radix(meta, 16).map_err(|_| bad())?,
            };
            if path.is_empty() {
                return Err(bad());
            }
            files.insert(path.to_string(), entry);
        }
        Ok(Manifest { compress, files })
    }

    /// The manifest as text.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(64 + self.files.len() * 72);
        text.push_str(FIRST_LINE);
        text.push('\n');
        text.push_str("compress ");
        text.push_str(&self.compress);
        text.push('\n');
        for (path, e) in &self.files {
            use std::fmt::Write as _;
            let _ = writeln!(text, "{path}\t{:016x}\t{}\t{:016x}", e.hash, e.len, e.meta);
        }
        text
    }

    /// The manifest as stored: its text, gzip-compressed (140,000 files: about 3 MB).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        // Writing into a Vec cannot fail.
        let _ = gz.write_all(self.text().as_bytes());
        gz.finish().unwrap_or_default()
    }

    /// Reads a manifest as stored.
    pub fn from_bytes(bytes: &[u8]) -> Result<Manifest, String> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| format!("not a gzip-compressed manifest: {e}"))?;
        Manifest::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_read_back_what_they_write() {
        let mut m = Manifest {
            compress: "gzip".into(),
            files: BTreeMap::new(),
        };
        m.files.insert(
            "index.html".into(),
            Entry {
                hash: 0xdead_beef,
                len: 1234,
                meta: u64::MAX,
            },
        );
        m.files.insert(
            "2025/10/26/a b/index.html".into(),
            Entry {
                hash: 1,
                len: 0,
                meta: 2,
            },
        );
        assert_eq!(Manifest::from_bytes(&m.to_bytes()).unwrap(), m);
        assert!(m.text().starts_with("dateline deploy manifest 1\ncompress gzip\n2025/"));
    }

    #[test]
    fn a_damaged_manifest_names_its_line() {
        assert!(Manifest::parse("hello\n").unwrap_err().starts_with("line 1:"));
        let text = "dateline deploy manifest 1\ncompress none\nindex.html\t00\t1\t00\nx\tzz\t1\t00\n";
        assert!(Manifest::parse(text).unwrap_err().starts_with("line 4:"));
        assert!(Manifest::from_bytes(b"not gzip").is_err());
    }
}
