//! What every HTTPS client of dateline (the deploy's store, the WebSub hub, `check
//! --external`) needs before it is made.

/// Makes ring the process's TLS provider, once (rustls is built with ring alone: see
/// Cargo.toml). rustls 0.23.48 deprecates ring's provider because it lacks post-quantum key
/// exchange; for sending public files to a bucket and asking for public pages, classical
/// TLS 1.3 is what every S3 client used until 2025, and aws-lc-rs (which has it) is a C and
/// assembly build of several minutes on a two-core machine.
#[allow(deprecated)]
pub fn use_ring() {
    // Installed already (by an earlier call) is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
