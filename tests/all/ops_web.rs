//! The web side of running wasmdash for a team, on the real binary: the
//! one-time setup page of a fresh server, the API token pages, read-only
//! tokens refused on writes, and `/metrics` for administrators only.

use serde_json::json;

use crate::ops_cli::{created_token, ok, serve, site};
use crate::web_support::{As, form_body, json_body, login, send};

#[test]
fn the_setup_link_creates_the_first_admin_once_then_is_gone() {
    let (dir, config) = site();
    let server = serve(&config, &[]);
    let line = server.next_line();
    let link = line
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/setup/", server.base)))
        .unwrap_or_else(|| panic!("no setup link in {line:?}"))
        .to_owned();
    let base = server.base.clone();

    let page = send("GET", &link, &As::Anonymous, None);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Create the first administrator"),
        "{}",
        page.body
    );
    let wrong = format!("{base}/setup/{}", "0".repeat(32));
    assert_eq!(send("GET", &wrong, &As::Anonymous, None).status, 404);

    // A mistake keeps the link usable.
    let short = send(
        "POST",
        &link,
        &As::Anonymous,
        form_body("username=root&password=short&repeat=short"),
    );
    assert_eq!(short.status, 422, "{}", short.body);
    assert!(short.body.contains("at least"), "{}", short.body);
    let mismatch = send(
        "POST",
        &link,
        &As::Anonymous,
        form_body("username=root&password=a+long+password&repeat=another+one"),
    );
    assert_eq!(mismatch.status, 422);

    let done = send(
        "POST",
        &link,
        &As::Anonymous,
        form_body("username=root&password=a+long+password&repeat=a+long+password"),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(
        done.set_cookie
            .unwrap_or_default()
            .starts_with("wasmdash_session=")
    );
    assert!(login(&base, "root", "a long password").is_some());

    // Used: gone, for GET and POST alike.
    assert_eq!(send("GET", &link, &As::Anonymous, None).status, 404);
    let again = send(
        "POST",
        &link,
        &As::Anonymous,
        form_body("username=mallory&password=a+long+password&repeat=a+long+password"),
    );
    assert_eq!(again.status, 404);
    let users = ok(dir.path(), &["user", "list"], "");
    assert!(
        users.contains("root") && users.contains("admin") && !users.contains("mallory"),
        "{users}"
    );
}

#[test]
fn token_pages_read_only_tokens_and_admin_metrics() {
    let (dir, config) = site();
    let d = dir.path();
    let server = serve(
        &config,
        &[("WASMDASH_ADMIN_PASSWORD", "first admin password")],
    );
    assert!(server.next_line().contains("created the administrator"));
    let base = server.base.clone();
    ok(
        d,
        &["user", "add", "ed", "--role", "editor"],
        "ed's long password\n",
    );

    // The editor creates a read-only token on their page.
    let (cookie, csrf) = login(&base, "ed", "ed's long password").unwrap();
    let ed = As::Session { cookie, csrf };
    let page = send("GET", &format!("{base}/account/tokens"), &ed, None);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("No tokens yet"), "{}", page.body);
    let created = send(
        "POST",
        &format!("{base}/account/tokens"),
        &ed,
        form_body("name=reports&expires=30d&read_only=on"),
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let marker = "value=\"wdt_";
    let at = created.body.find(marker).expect("the secret is shown") + "value=\"".len();
    let secret = created.body[at..at + 68].to_owned();
    assert!(created.body.contains("not shown again"));
    let listed = send("GET", &format!("{base}/account/tokens"), &ed, None);
    assert!(listed.body.contains("reports") && listed.body.contains("read-only"));
    assert!(
        !listed.body.contains(&secret),
        "the secret is shown once only"
    );
    let bad = send(
        "POST",
        &format!("{base}/account/tokens"),
        &ed,
        form_body("name=x&expires=forever"),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);

    // Read-only: reads work, every write is 403 with a reason.
    let ro = As::Token(secret.clone());
    assert_eq!(
        send("GET", &format!("{base}/api/v1/metrics"), &ro, None).status,
        200
    );
    let write = send(
        "POST",
        &format!("{base}/api/v1/dashboards"),
        &ro,
        json_body(&json!({"title": "Not allowed"})),
    );
    assert_eq!(write.status, 403, "{}", write.body);
    assert!(
        write.json()["error"]
            .as_str()
            .unwrap()
            .contains("read-only"),
        "{}",
        write.body
    );
    let alert = send(
        "POST",
        &format!("{base}/api/v1/alerts"),
        &ro,
        json_body(&json!({})),
    );
    assert_eq!(alert.status, 403);
    // A read-write token of the same user may write.
    let (_, rw) = created_token(&ok(
        d,
        &["token", "create", "--user", "ed", "--name", "rw"],
        "",
    ));
    let write = send(
        "POST",
        &format!("{base}/api/v1/dashboards"),
        &As::Token(rw.clone()),
        json_body(&json!({"title": "Allowed"})),
    );
    assert_eq!(write.status, 201, "{}", write.body);

    // The admin sees everyone's tokens and revokes one: 401 at once.
    let (cookie, csrf) = login(&base, "admin", "first admin password").unwrap();
    let admin = As::Session { cookie, csrf };
    let all = send("GET", &format!("{base}/admin/tokens"), &admin, None);
    assert_eq!(all.status, 200);
    assert!(all.body.contains("reports") && all.body.contains("rw") && all.body.contains("ed"));
    assert_eq!(
        send("GET", &format!("{base}/admin/tokens"), &ed, None).status,
        403
    );
    let id = listed_id(&all.body, "reports");
    let revoked = send(
        "POST",
        &format!("{base}/admin/tokens/{id}/revoke"),
        &admin,
        None,
    );
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(
        send("GET", &format!("{base}/api/v1/metrics"), &ro, None).status,
        401
    );

    // /metrics on the main address: administrators only.
    let (_, admin_token) = created_token(&ok(
        d,
        &["token", "create", "--user", "admin", "--name", "scraper"],
        "",
    ));
    let scrape = send(
        "GET",
        &format!("{base}/metrics"),
        &As::Token(admin_token),
        None,
    );
    assert_eq!(scrape.status, 200);
    assert!(
        scrape.body.contains("wasmdash_http_requests_total"),
        "{}",
        scrape.body
    );
    assert_eq!(
        send("GET", &format!("{base}/metrics"), &As::Token(rw), None).status,
        403
    );
    assert_eq!(
        send("GET", &format!("{base}/metrics"), &As::Anonymous, None).status,
        401
    );
}

/// The id of the token named `name` in a token table.
fn listed_id(page: &str, name: &str) -> String {
    let row = page
        .split("<tr data-token=\"")
        .skip(1)
        .find(|row| row.contains(&format!("<td>{name}</td>")))
        .unwrap_or_else(|| panic!("no token {name} in {page}"));
    row.split('"').next().unwrap().to_owned()
}

#[test]
fn the_openapi_document_lists_every_route_and_validates_as_3_1() {
    let (_dir, config) = site();
    let server = serve(
        &config,
        &[("WASMDASH_ADMIN_PASSWORD", "first admin password")],
    );
    let doc = send(
        "GET",
        &format!("{}/api/v1/openapi.json", server.base),
        &As::Anonymous,
        None,
    );
    assert_eq!(doc.status, 200);
    let doc = doc.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc,
        serde_json::from_str::<serde_json::Value>(&wasmdash::openapi::json()).unwrap()
    );
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/metrics",
        "/api/v1/datasets/{name}/rows",
        "/api/v1/dashboards/{id}/widgets/{widget}/html",
        "/api/v1/alerts/{id}/history",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
}
