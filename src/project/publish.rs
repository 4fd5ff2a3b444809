//! The last stages of a build: its pages rendered, its files written and put in place in
//! the output folder, and the record of what it wrote. Only what changed since the last
//! build is rendered and written, when the folder still holds what that build wrote; a
//! build that has no record of the folder renders everything, but still writes only the
//! files whose bytes differ from those in the folder.

use std::path::PathBuf;
use std::time::Instant;

use super::build_cache::BuildCache;
use super::record::{self, PageFingerprints, Record};
use super::stopwatch::Stopwatch;
use crate::assets::Assets;
use crate::config::BaseUrl;
use crate::error::Error;
use crate::model::Archive;
use crate::output::{self, Emitted, Output, Records};
use crate::progress::Progress;
use crate::render::Plan;
use crate::{BuildOptions, BuildSummary};

/// What a build writes, and where.
pub(super) struct Publication<'a, 'p> {
    pub plan: &'a Plan<'p>,
    /// The fingerprint of each page of the plan.
    pub pages: PageFingerprints,
    pub assets: &'a Assets,
    pub out: PathBuf,
    pub options: &'a BuildOptions,
    /// What the last build wrote; this one's, once it is done.
    pub record: &'a mut Record,
    /// Forgets the record it keeps before the output folder changes.
    pub cache: &'a BuildCache,
    /// When the search index of the years that changed is made.
    pub search: crate::search::When,
    /// Whether the files that changed are put in the output folder all at once
    /// (`Output::atomic`).
    pub atomic: bool,
}

/// What a build wrote.
pub(super) struct Published {
    /// Pages of the site.
    pages: usize,
    /// Pages rendered.
    rendered: usize,
    /// Files whose bytes changed, and so were written.
    written: usize,
    /// Whether those were stylesheets alone.
    only_stylesheets_written: bool,
    /// Files of the last build that are gone.
    removed: usize,
    /// Files copied as they are.
    copied: usize,
    /// What the search index was made of.
    search_indexed: crate::search::Indexed,
    out: PathBuf,
    /// Whether the output folder was found changed since the build the cache recorded.
    output_changed: bool,
}

impl Publication<'_, '_> {
    /// Renders the pages whose fingerprints changed since the last build (every page if
    /// it writes the folder anew), writes the files whose bytes changed, puts them in the
    /// output folder, removing those no longer made, and records what it wrote.
    pub(super) fn publish(self, clock: &mut Stopwatch) -> Result<Published, Error> {
        let Publication { plan, pages, .. } = self;
        let site = &self.options.site;
        // Incremental when the last build wrote this same folder and it is still there,
        // and no build stopped while it moved its files in since (the folder holds files
        // of two builds, which the record of neither tells).
        let interrupted = output::interrupted(&self.out).is_some();
        let output_changed = self.record.settle();
        let last = self.record.trusted(&self.out).filter(|_| !interrupted);
        // Else a full build, which patches a folder that looks like a previous build with
        // what changed in it, after reading every file of it (in parallel): the others keep
        // their modification time (`rsync` and `aws s3 sync` send only what changed).
        let found = match last {
            Some(_) => None,
            None if output::holds_a_build(&self.out, site) => {
                let found = output::records_of(&self.out);
                clock.mark("adopt");
                found
            }
            None => None,
        };
        let empty = Records::default();
        let every_page = || (0..pages.of.len()).collect();
        let (output, which, previous): (Output, Vec<usize>, &Records) = match (last, &found) {
            (Some(last), _) => {
                // A page whose fingerprint was known has the one `last` records: it is
                // looked up only if it was computed.
                let recorded = |i: usize| last.get(plan.page_files()[i].as_str()).and_then(|w| w.fingerprint);
                let changed = (0..pages.of.len())
                    .filter(|&i| !pages.known[i] && recorded(i) != Some(pages.of[i]))
                    .collect();
                (Output::patch(&self.out, site)?.atomic(self.atomic), changed, last)
            }
            (None, Some(found)) => (Output::adopt(&self.out, site)?.atomic(self.atomic), every_page(), found),
            (None, None) => (Output::create(&self.out, site)?, every_page(), &empty),
        };
        let mut emitted = Emitted::default();
        render(
            plan,
            &pages,
            &output,
            &which,
            previous,
            self.options.progress,
            &mut emitted,
        )?;
        clock.mark("render");
        let search_indexed = crate::search::publish(plan, &output, previous, self.search, &mut emitted)?;
        if search_indexed.years > 0 {
            clock.mark("search");
        }
        self.assets.copy(site, &output, previous, &mut emitted)?;
        clock.mark("assets");

        // Files the last build wrote (or the folder held) and this one does not generate.
        let removed = match last.or(found.as_ref()) {
            Some(last) => {
                let fresh = pages.same_pages.then(|| plan.files_not_in(last, &pages.known));
                let generated = record::Generated {
                    plan: plan.files(),
                    made: &emitted.files,
                    fresh,
                    replaced: plan.replaced_files(),
                };
                record::files_gone(last, &generated)
            }
            None => Vec::new(),
        };
        self.cache.forget_output()?;
        let written: Vec<&str> = emitted.written().collect();
        let published = Published {
            pages: plan.page_count(),
            rendered: which.len(),
            written: written.len(),
            only_stylesheets_written: !written.is_empty() && written.iter().all(|f| f.ends_with(".css")),
            removed: removed.len(),
            copied: self.assets.len(),
            search_indexed,
            out: self.out.clone(),
            output_changed,
        };
        let patched = last.is_some();
        // A patch moves its files into the folder one by one: one that fails leaves those
        // moved before it.
        output
            .commit(&written, &removed)
            .map_err(|e| match patched || found.is_some() {
                true => Error::PartlyPublished(Box::new(e.into())),
                false => e.into(),
            })?;
        drop(written);
        self.record.replace(self.out, patched, &removed, emitted.files, pages);
        clock.mark("commit");
        Ok(published)
    }
}

/// Renders the pages `which` of `plan`, and every other file it makes, into `output`;
/// shows how far it got on a terminal if `progress`.
fn render(
    plan: &Plan<'_>,
    pages: &PageFingerprints,
    output: &Output,
    which: &[usize],
    previous: &Records,
    progress: bool,
    emitted: &mut Emitted,
) -> Result<(), Error> {
    let progress = progress.then(Progress::start);
    if let Some(p) = &progress {
        p.stage("Rendering pages", which.len());
    }
    let step = || {
        if let Some(p) = &progress {
            p.step();
        }
    };
    plan.generate(output, which, &pages.of, previous, &step, emitted)
}

impl Published {
    /// What the build did, with its `archive`, for `base_url`: begun at `started`, after
    /// reading the sources, with the stages `clock` timed.
    pub(super) fn summary(
        self,
        archive: &Archive,
        base_url: &BaseUrl,
        started: Instant,
        clock: Stopwatch,
    ) -> BuildSummary {
        BuildSummary {
            articles: archive.articles.len(),
            authors: archive.authors.len(),
            pages: self.pages,
            rendered: self.rendered,
            written: self.written,
            only_stylesheets_written: self.only_stylesheets_written,
            removed: self.removed,
            copied: self.copied,
            search_indexed: self.search_indexed,
            output: self.out,
            base_url: base_url.clone(),
            elapsed: clock.read_time() + started.elapsed(),
            timings: clock.timings(),
            cache_not_saved: None,
            output_changed: self.output_changed,
            urls: crate::UrlReport::default(),
            warnings: Vec::new(),
        }
    }
}
