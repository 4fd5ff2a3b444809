//! The bucket: an S3-compatible store (AWS S3, Cloudflare R2, Backblaze B2, MinIO…)
//! through the `object_store` crate, which signs the requests and retries them, and the
//! credentials it is given.
//!
//! Credentials come, in this order, from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`
//! (and `AWS_SESSION_TOKEN`); from a profile of the shared credentials file
//! (`AWS_PROFILE`, else `default`, in `AWS_SHARED_CREDENTIALS_FILE` or
//! `~/.aws/credentials`); or from a web identity or a container's role
//! (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_CONTAINER_CREDENTIALS_*`), which `object_store`
//! reads itself. With none of these, the deploy stops before any request.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{BackoffConfig, ClientOptions, RetryConfig};

use super::{DeployError, Target};

/// Where and as whom to deploy: the command line's and `[deploy]`'s settings.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

/// A request that gets no answer in this time is tried again.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Each request is tried again up to this many times after a server error (5xx), a
/// throttling answer (429) or a timeout, waiting 100 ms, then twice as long each time (at
/// most 15 s), for at most 3 minutes in all.
const RETRIES: usize = 10;

/// The store of `target`.
pub fn open(target: &Target, settings: &Settings) -> Result<Arc<AmazonS3>, DeployError> {
    crate::net::use_ring();
    let profile = profile_credentials()?;
    let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let has_keys = env("AWS_ACCESS_KEY_ID").is_some() && env("AWS_SECRET_ACCESS_KEY").is_some();
    let has_role = env("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
        || env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
        || env("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some();
    if !has_keys && !has_role && profile.is_none() {
        return Err(DeployError::NoCredentials);
    }
    // Client options first: setting them replaces `with_allow_http`'s.
    let mut builder = AmazonS3Builder::from_env()
        .with_client_options(ClientOptions::new().with_timeout(TIMEOUT))
        .with_bucket_name(&target.bucket);
    if !has_keys && let Some(p) = &profile {
        builder = builder.with_access_key_id(&p.key_id).with_secret_access_key(&p.secret);
        if let Some(token) = &p.token {
            builder = builder.with_token(token);
        }
    }
    let region = settings
        .region
        .clone()
        .or_else(|| env("AWS_REGION"))
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .or_else(|| profile.as_ref().and_then(|p| p.region.clone()))
        .unwrap_or_else(|| "us-east-1".to_string());
    builder = builder.with_region(region);
    if let Some(endpoint) = settings.endpoint.clone().or_else(|| env("AWS_ENDPOINT_URL")) {
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_endpoint(endpoint)
            // Every S3-compatible store takes the bucket in the path; not all of them in
            // the host name.
            .with_virtual_hosted_style_request(false);
    }
    let retry = RetryConfig {
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(15),
            base: 2.0,
        },
        max_retries: RETRIES,
        retry_timeout: Duration::from_secs(180),
    };
    builder = builder.with_retry(retry);
    builder
        .build()
        .map(Arc::new)
        .map_err(|e| DeployError::Setup(e.to_string()))
}

/// Keys of a profile of the shared credentials file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub key_id: String,
    pub secret: String,
    pub token: Option<String>,
    pub region: Option<String>,
}

/// The profile named by `AWS_PROFILE` (else `default`) in the shared credentials file, if
/// that file is there; an error if `AWS_PROFILE` names a profile it does not hold.
fn profile_credentials() -> Result<Option<Profile>, DeployError> {
    let named = std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty());
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let file = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws/credentials")));
    let Some(file) = file else { return Ok(None) };
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(_) if named.is_none() => return Ok(None),
        Err(e) => {
            return Err(DeployError::Credentials(format!(
                "AWS_PROFILE names `{}`, but {} cannot be read: {e}",
                named.unwrap_or_default(),
                file.display()
            )));
        }
    };
    let name = named.clone().unwrap_or_else(|| "default".into());
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| home.map(|h| h.join(".aws/config")))
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    let profile = profile_of(&text, &config, &name);
    if profile.is_none() && named.is_some() {
        return Err(DeployError::Credentials(format!(
            "AWS_PROFILE names `{name}`, which {} does not hold with aws_access_key_id and aws_secret_access_key",
            file.display()
        )));
    }
    Ok(profile)
}

/// Reads a profile from the texts of the credentials file and the config file (INI:
/// `[name]` sections of `key = value` lines; the config file names them `[profile name]`,
/// but `[default]`).
pub fn profile_of(credentials: &str, config: &str, name: &str) -> Option<Profile> {
    let section = |text: &str, header: &str| -> Vec<(String, String)> {
        let mut inside = false;
        let mut keys = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
                continue;
            }
            if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                inside = h.trim() == header;
            } else if inside && let Some((k, v)) = line.split_once('=') {
                keys.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        keys
    };
    let keys = section(credentials, name);
    let get = |keys: &[(String, String)], key: &str| keys.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let config_header = if name == "default" {
        "default".to_string()
    } else {
        format!("profile {name}")
    };
    let config_keys = section(config, &config_header);
    Some(Profile {
        key_id: get(&keys, "aws_access_key_id")?,
        secret: get(&keys, "aws_secret_access_key")?,
        token: get(&keys, "aws_session_token"),
        region: get(&keys, "region").or_else(|| get(&config_keys, "region")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_from_the_shared_files() {
        let credentials = "[default]\naws_access_key_id = AKDEFAULT\naws_secret_access_key = s1\n\n# newsroom\n[newsroom]\naws_access_key_id=AKNEWS\naws_secret_access_key=s2\naws_session_token = t\n[half]\naws_access_key_id = AKHALF\n";
        let config = "[default]\nregion = eu-west-1\n[profile newsroom]\nregion = auto\n";
        let d = profile_of(credentials, config, "default").unwrap();
        assert_eq!(
            (d.key_id.as_str(), d.secret.as_str(), d.region.as_deref()),
            ("AKDEFAULT", "s1", Some("eu-west-1"))
        );
        let n = profile_of(credentials, config, "newsroom").unwrap();
        assert_eq!(
            (n.key_id.as_str(), n.token.as_deref(), n.region.as_deref()),
            ("AKNEWS", Some("t"), Some("auto"))
        );
        assert_eq!(profile_of(credentials, config, "half"), None, "no secret");
        assert_eq!(profile_of(credentials, config, "nowhere"), None);
    }
}
