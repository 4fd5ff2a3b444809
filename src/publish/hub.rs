//! (being written)
/// (placeholder until merged)
pub async fn ping(_client: &reqwest::Client, _hub: &str, _feeds: &[String]) -> Result<(), String> {
    Ok(())
}
