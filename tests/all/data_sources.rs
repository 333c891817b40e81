//! A source that cannot be used fails at start with one clear line naming
//! the source, whatever the database; nothing is half-connected.

use wasmdash::config::Config;
use wasmdash::data::DataEngine;

use crate::data_support as support;

async fn connect_error(url: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let text = support::config_text(url, "orders", "");
    let config = Config::parse(&text, &dir.path().join("wasmdash.toml"), Vec::new()).unwrap();
    DataEngine::connect(&config).await.unwrap_err().to_string()
}

#[tokio::test]
async fn malformed_or_unreachable_server_urls_are_refused_at_start() {
    for (url, needle) in [
        (
            "mysql://root@127.0.0.1:notaport/test",
            "bad MariaDB/MySQL URL",
        ),
        // Port 1 refuses connections on loopback.
        (
            "mariadb://root@127.0.0.1:1/test",
            "cannot connect to MariaDB/MySQL",
        ),
        (
            "postgres://postgres@127.0.0.1:1/test",
            "cannot connect to PostgreSQL",
        ),
    ] {
        let e = connect_error(url).await;
        assert!(e.contains("source `main`"), "{url}: {e}");
        assert!(e.contains(needle), "{url}: {e}");
        assert!(!e.contains('\n'), "one line: {e}");
    }
}
