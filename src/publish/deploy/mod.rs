//! `dateline deploy`: the output folder sent to S3-compatible object storage.

/// Where a site is deployed: `s3://BUCKET[/PREFIX]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub bucket: String,
    /// The folder of the bucket that holds the site: empty, or ending in `/`.
    pub prefix: String,
}

impl Target {
    /// Parses `s3://BUCKET[/PREFIX]`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| format!("`{text}` is not of the form s3://BUCKET[/PREFIX]"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !valid_bucket {
            return Err(format!(
                "`{bucket}` is not a bucket name (3 to 63 lowercase letters, digits, `-` and `.`)"
            ));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|part| part == "." || part == "..") || prefix.contains("//") {
            return Err(format!("`{prefix}` is not a folder of a bucket"));
        }
        Ok(Target {
            bucket: bucket.to_string(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_a_bucket_and_a_folder() {
        let t = Target::parse("s3://news-archive").unwrap();
        assert_eq!((t.bucket.as_str(), t.prefix.as_str()), ("news-archive", ""));
        let t = Target::parse("s3://news-archive/site/2026/").unwrap();
        assert_eq!((t.bucket.as_str(), t.prefix.as_str()), ("news-archive", "site/2026/"));
        assert!(Target::parse("news-archive").is_err());
        assert!(Target::parse("s3://News").is_err());
        assert!(Target::parse("s3://ab").is_err());
        assert!(Target::parse("s3://archive/../x").is_err());
    }
}
