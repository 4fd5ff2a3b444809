//! (being written)
/// The file a build writes for nginx when `[deploy] nginx_redirects` asks for it.
pub const FILE: &str = "nginx-redirects.conf";
