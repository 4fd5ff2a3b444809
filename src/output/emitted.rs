//! What a build wrote: each file's record (a hash and the length of its bytes, and what
//! it was made from), which the next build compares its own with to write only what
//! changed.

/// What is known of a written file: a hash of its bytes and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRecord {
    pub hash: u64,
    pub len: u64,
}

impl FileRecord {
    pub fn of(bytes: &[u8]) -> FileRecord {
        FileRecord {
            hash: crate::parse::content_hash(bytes),
            len: bytes.len() as u64,
        }
    }
}

/// What a build wrote at one path: the record of the bytes and, for a page, a feed or a
/// sitemap, the fingerprint of what it was made from (the next build makes it again only
/// if that changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub file: FileRecord,
    pub fingerprint: Option<u64>,
}

/// What the last build wrote: output path → what is there. (Paths read from the build
/// cache borrow from its file, mapped for the rest of the process.)
pub type Records = ahash::AHashMap<std::borrow::Cow<'static, str>, Written>;

/// A file `Output::emit` was given (or `Emit::kept`).
pub struct Emit {
    rel: String,
    record: FileRecord,
    /// Whether its bytes changed, and so were written.
    written: bool,
    fingerprint: Option<u64>,
}

impl Emit {
    /// The file `Output::emit` was given at `rel`, of the bytes `record` tells; `written`
    /// if they changed, and so were written.
    pub(super) fn new(rel: &str, record: FileRecord, written: bool) -> Emit {
        Emit {
            rel: rel.to_string(),
            record,
            written,
            fingerprint: None,
        }
    }

    /// The file at `rel`, of the bytes `record` tells, if the last build wrote those very
    /// bytes there: it is left as it is, without its bytes being read or written.
    pub fn unchanged(rel: &str, record: FileRecord, previous: &Records) -> Option<Emit> {
        (previous.get(rel)?.file == record).then(|| Emit::new(rel, record, false))
    }

    /// The file at `rel` as the last build wrote it, if it was made from what `fingerprint`
    /// stands for: it is left as it is, without being made again.
    pub fn kept(rel: &str, fingerprint: u64, previous: &Records) -> Option<Emit> {
        let last = previous.get(rel).filter(|w| w.fingerprint == Some(fingerprint))?;
        Some(Emit {
            rel: rel.to_string(),
            record: last.file,
            written: false,
            fingerprint: Some(fingerprint),
        })
    }

    /// Whether its bytes changed, and so were written.
    pub fn is_written(&self) -> bool {
        self.written
    }

    /// This emit, recording the fingerprint of what the file was made from.
    pub fn made_from(self, fingerprint: u64) -> Emit {
        Emit {
            fingerprint: Some(fingerprint),
            ..self
        }
    }

    /// The file as `Emitted` lists it.
    fn into_file(self) -> (String, Written) {
        let written = Written {
            file: self.record,
            fingerprint: self.fingerprint,
        };
        (self.rel, written)
    }
}

/// Every file a build generated or copied.
#[derive(Debug, Default)]
pub struct Emitted {
    /// Every file, with the hash and length of its bytes (and a fingerprint).
    pub files: Vec<(String, Written)>,
    /// Which of `files` had bytes that changed, and so were written (all of them in a full
    /// build: their places, not copies of their paths).
    written: Vec<usize>,
}

impl Emitted {
    /// Adds what `Output::emit` did; its problems go to `problems`.
    pub fn gather<E>(&mut self, results: impl IntoIterator<Item = Result<Emit, E>>, problems: &mut Vec<E>) {
        let results = results.into_iter();
        self.files.reserve(results.size_hint().0);
        for result in results {
            match result {
                Ok(emit) => {
                    if emit.written {
                        self.written.push(self.files.len());
                    }
                    self.files.push(emit.into_file());
                }
                Err(d) => problems.push(d),
            }
        }
    }

    /// Like `gather`, for a list of results some of which are not there: when nothing
    /// was gathered yet, the list of files is made in the memory of `results`.
    pub fn gather_pages<E>(&mut self, results: Vec<Option<Result<Emit, E>>>, problems: &mut Vec<E>) {
        if !self.files.is_empty() {
            return self.gather(results.into_iter().flatten(), problems);
        }
        let written = &mut self.written;
        written.reserve(results.len());
        let mut at = 0;
        // `filter_map` over the list's own iterator: collected in place (std reuses the
        // allocation when the items it makes are no larger).
        self.files = results
            .into_iter()
            .filter_map(|result| match result? {
                Ok(emit) => {
                    if emit.written {
                        written.push(at);
                    }
                    at += 1;
                    Some(emit.into_file())
                }
                Err(d) => {
                    problems.push(d);
                    None
                }
            })
            .collect();
    }

    /// The files whose bytes changed, and so were written.
    pub fn written(&self) -> impl ExactSizeIterator<Item = &str> {
        self.written.iter().map(|&i| self.files[i].0.as_str())
    }
}
