//! A deploy under way: the requests to the store (the manifest read, the bucket listed
//! when there is no manifest, the files sent group after group, the deletions, the manifest
//! written, the hub told), each counted, and what a failed one means.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3;
use object_store::path::Path as Key;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};

use super::local::LocalFile;
use super::manifest::{self, Manifest};
use super::meta::Meta;
use super::plan::{self, Plan, Upload};
use super::{DeployError, Report, Target, storage_name};
use crate::config::Compression;
use crate::error::{IoError, chain};

/// A deploy under way: the store, where the site goes in it, and the count of requests.
pub(super) struct Job {
    pub(super) store: Arc<AmazonS3>,
    pub(super) target: Target,
    pub(super) out: PathBuf,
    pub(super) compress: Compression,
    pub(super) requests: Arc<AtomicUsize>,
    pub(super) endpoint: Option<String>,
}

impl Job {
    /// The key of a file of the site.
    fn key(&self, rel: &str) -> Result<Key, DeployError> {
        let whole = format!("{}{rel}", self.target.prefix);
        Key::parse(&whole).map_err(|e| DeployError::Store {
            action: "name",
            key: whole.clone(),
            message: format!("not a key S3 takes: {e}"),
            outcome: "nothing was sent".into(),
        })
    }

    fn count(&self, n: usize) {
        self.requests.fetch_add(n, Ordering::Relaxed);
    }

    /// What a failed request means before anything was sent: a missing bucket and refused
    /// credentials are said as such.
    fn refused(&self, action: &'static str, key: &str, e: object_store::Error) -> DeployError {
        let message = chain(&e);
        if message.contains("NoSuchBucket") {
            return DeployError::NoBucket {
                bucket: self.target.bucket.clone(),
                at: self.endpoint.as_ref().map(|e| format!(" at {e}")).unwrap_or_default(),
            };
        }
        if matches!(
            e,
            object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. }
        ) || [
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "AccessDenied",
            "ExpiredToken",
        ]
        .iter()
        .any(|code| message.contains(code))
        {
            return DeployError::Refused(message);
        }
        DeployError::Store {
            action,
            key: key.to_string(),
            message,
            outcome: "nothing was sent".into(),
        }
    }

    /// The manifest of the last deploy, or None if the bucket has none.
    pub(super) async fn manifest(&self) -> Result<Option<Manifest>, DeployError> {
        let key = self.key(manifest::KEY)?;
        self.count(1);
        let bytes = match self.store.get(&key).await {
            Ok(got) => got.bytes().await.map_err(|e| self.refused("read", key.as_ref(), e))?,
            Err(object_store::Error::NotFound { source, .. }) if !chain(source.as_ref()).contains("NoSuchBucket") => {
                return Ok(None);
            }
            Err(e) => return Err(self.refused("read", key.as_ref(), e)),
        };
        Manifest::from_bytes(&bytes)
            .map(Some)
            .map_err(|message| DeployError::Manifest {
                key: key.to_string(),
                message,
            })
    }

    /// A plan made from a listing of the bucket: each file whose stored bytes have the MD5
    /// and length of the object there is left alone.
    pub(super) async fn plan_by_listing(
        &self,
        files: &[LocalFile],
        meta: &[u64],
        metas: &[Meta],
    ) -> Result<Plan, DeployError> {
        let prefix = match self.target.prefix.is_empty() {
            true => None,
            false => Some(
                Key::parse(self.target.prefix.trim_end_matches('/')).map_err(|e| DeployError::Target(e.to_string()))?,
            ),
        };
        let mut listed: HashMap<String, (u64, Option<String>)> = HashMap::new();
        let mut stream = self.store.list(prefix.as_ref());
        while let Some(object) = stream.next().await {
            let object = object.map_err(|e| self.refused("list", &self.target.bucket, e))?;
            let rel = object.location.as_ref()[self.target.prefix.len()..].to_string();
            if !rel.starts_with(".dateline/") {
                listed.insert(rel, (object.size, object.e_tag));
            }
        }
        self.count(listed.len() / 1000 + 1);
        // Each file whose key is there is read (and compressed as it would be sent) to
        // compare its MD5 with the ETag.
        let same: Vec<bool> = futures::stream::iter(files.iter().zip(metas))
            .map(|(file, meta)| {
                let there = listed.get(&file.rel).cloned();
                let path = self.out.join(&file.rel);
                let encoding = meta.encoding;
                async move {
                    let Some((size, Some(etag))) = there else {
                        return Ok(false);
                    };
                    let bytes = tokio::task::spawn_blocking(move || stored_bytes(&path, encoding))
                        .await
                        .map_err(|e| DeployError::Setup(e.to_string()))??;
                    use md5::Digest;
                    let md5 = md5::Md5::digest(&bytes);
                    let hex: String = md5.iter().map(|b| format!("{b:02x}")).collect();
                    Ok::<bool, DeployError>(size == bytes.len() as u64 && etag.trim_matches('"') == hex)
                }
            })
            .buffered(8)
            .try_collect()
            .await?;
        let mut plan = Plan::new(files, meta, &Manifest::default(), storage_name(self.compress));
        let unchanged: std::collections::HashSet<&str> = files
            .iter()
            .zip(&same)
            .filter(|(_, same)| **same)
            .map(|(f, _)| f.rel.as_str())
            .collect();
        plan.uploads.retain(|u| !unchanged.contains(u.rel.as_str()));
        for upload in &mut plan.uploads {
            upload.new = !listed.contains_key(&upload.rel);
        }
        plan::sort(&mut plan.uploads);
        plan.unchanged = unchanged.len();
        let mut gone: Vec<String> = listed
            .into_keys()
            .filter(|rel| !plan.manifest.files.contains_key(rel))
            .collect();
        gone.sort();
        plan.deletions = gone;
        Ok(plan)
    }

    /// Sends the plan's files: each group (new resources, new pages, changed resources,
    /// changed pages) once the one before it is all there, `concurrency` requests at once.
    pub(super) async fn send(
        &self,
        plan: &Plan,
        metas: &HashMap<&str, &Meta>,
        concurrency: usize,
        progress: bool,
        report: &mut Report,
    ) -> Result<(), DeployError> {
        let shown = progress.then(crate::progress::Progress::start);
        if let Some(p) = &shown {
            p.stage("Deploying", plan.uploads.len());
        }
        let total = plan.uploads.len();
        let groups = plan.uploads.chunk_by(|a, b| a.group() == b.group());
        for group in groups {
            let results: Vec<Result<(String, bool, u64), DeployError>> = futures::stream::iter(group)
                .map(|upload| {
                    let meta = metas.get(upload.rel.as_str()).copied();
                    let shown = shown.as_ref();
                    async move {
                        let sent = self.put(upload, meta).await;
                        if let Some(p) = shown {
                            p.step();
                        }
                        sent.map(|bytes| (upload.rel.clone(), upload.new, bytes))
                    }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
            // Every file of the group that went is counted before a failure is said.
            let mut failed = None;
            for result in results {
                match result {
                    Ok((rel, new, bytes)) => {
                        report.sent.push((rel, new));
                        report.bytes_sent += bytes;
                    }
                    Err(e) => failed = failed.or(Some(e)),
                }
            }
            match failed {
                Some(DeployError::Store {
                    action, key, message, ..
                }) => {
                    return Err(DeployError::Store {
                        action,
                        key,
                        message,
                        outcome: format!(
                            "the deploy stopped after sending {} of {total} files; nothing was deleted, and the site is whole: deploy again to finish",
                            report.sent.len()
                        ),
                    });
                }
                Some(e) => return Err(e),
                None => {}
            }
        }
        Ok(())
    }

    /// Sends one file with its headers; returns the bytes sent.
    async fn put(&self, upload: &Upload, meta: Option<&Meta>) -> Result<u64, DeployError> {
        let key = self.key(&upload.rel)?;
        let path = self.out.join(&upload.rel);
        let encoding = meta.and_then(|m| m.encoding);
        let bytes = tokio::task::spawn_blocking(move || stored_bytes(&path, encoding))
            .await
            .map_err(|e| DeployError::Setup(e.to_string()))??;
        let len = bytes.len() as u64;
        let mut attributes = Attributes::new();
        if let Some(meta) = meta {
            attributes.insert(Attribute::ContentType, meta.content_type.into());
            if let Some(cache) = &meta.cache_control {
                attributes.insert(Attribute::CacheControl, cache.clone().into());
            }
            if let Some(encoding) = meta.encoding {
                attributes.insert(Attribute::ContentEncoding, encoding.into());
            }
        }
        self.put_object(&key, bytes, attributes, "send", String::new()).await?;
        Ok(len)
    }

    /// One PUT of `bytes` with their headers; a refusal says `action` and what the
    /// deploy left (`outcome`).
    async fn put_object(
        &self,
        key: &Key,
        bytes: Vec<u8>,
        attributes: Attributes,
        action: &'static str,
        outcome: String,
    ) -> Result<(), DeployError> {
        self.count(1);
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(key, PutPayload::from(bytes), options)
            .await
            .map(drop)
            .map_err(|e| DeployError::Store {
                action,
                key: key.to_string(),
                message: chain(&e),
                outcome,
            })
    }

    /// Deletes the objects of files the site no longer has (1,000 a request).
    pub(super) async fn delete(&self, plan: &Plan, report: &mut Report) -> Result<(), DeployError> {
        if plan.deletions.is_empty() {
            return Ok(());
        }
        let keys = plan
            .deletions
            .iter()
            .map(|rel| self.key(rel))
            .collect::<Result<Vec<Key>, _>>()?;
        self.count(keys.len().div_ceil(1000));
        let locations = futures::stream::iter(keys.into_iter().map(Ok)).boxed();
        let deleted: Vec<Key> = self
            .store
            .delete_stream(locations)
            .try_collect()
            .await
            .map_err(|e| DeployError::Store {
                action: "delete",
                key: self.target.prefix.clone(),
                message: chain(&e),
                outcome: format!(
                    "every file was sent; some objects the site no longer has are left: deploy again to delete them ({} to delete)",
                    plan.deletions.len()
                ),
            })?;
        report.deleted = deleted
            .iter()
            .map(|k| k.as_ref()[self.target.prefix.len()..].to_string())
            .collect();
        Ok(())
    }

    /// Writes the new manifest: the deploy is done.
    pub(super) async fn save_manifest(&self, plan: &Plan, report: &Report) -> Result<(), DeployError> {
        if report.sent.is_empty() && report.deleted.is_empty() && !report.listed {
            return Ok(());
        }
        let key = self.key(manifest::KEY)?;
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, "application/gzip".into());
        attributes.insert(Attribute::CacheControl, "no-store".into());
        let outcome = "every file was sent; the next deploy compares by a listing of the bucket";
        self.put_object(
            &key,
            plan.manifest.to_bytes(),
            attributes,
            "write the manifest",
            outcome.into(),
        )
        .await
    }

    /// Tells the WebSub hub of the feeds that changed.
    pub(super) async fn ping(&self, hub: &str, feeds: &[String]) -> Result<(), String> {
        crate::net::use_ring();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        self.count(feeds.len());
        crate::publish::hub::ping(&client, hub, feeds)
            .await
            .map_err(|e| e.to_string())
    }
}

/// The bytes of a file as they are stored: compressed when `encoding` says so.
fn stored_bytes(path: &Path, encoding: Option<&'static str>) -> Result<Vec<u8>, DeployError> {
    use std::io::Write;
    let bytes = std::fs::read(path).map_err(|e| IoError::new("read", path, e))?;
    Ok(match encoding {
        Some("gzip") => {
            let mut gz =
                flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
            // Writing into a Vec cannot fail.
            let _ = gz.write_all(&bytes);
            gz.finish().unwrap_or_default()
        }
        Some("br") => {
            let mut out = Vec::with_capacity(bytes.len() / 3);
            // Quality 9 of 11: within a few per cent of 11's size, several times faster.
            let mut br = brotli::CompressorWriter::new(&mut out, 64 * 1024, 9, 22);
            let _ = br.write_all(&bytes);
            drop(br);
            out
        }
        _ => bytes,
    })
}
