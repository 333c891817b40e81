//! The real `wasmdash serve` binary killed with SIGKILL while it is in the
//! middle of an SMTP conversation, then started again: the email arrives,
//! once, with the same Message-ID.

use std::process::{Child, Command, Stdio};
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};

use crate::alerts_engine_support::{Rig, create_db, draft, set_reading};
use crate::alerts_smtp_server::SmtpServer;

fn serve(dir: &std::path::Path) -> Child {
    Command::new(wasmdash_tests::wasmdash_bin())
        .args(["serve", "--config"])
        .arg(dir.join("wasmdash.toml"))
        .env("WASMDASH_SERVER__LISTEN", "127.0.0.1:0")
        .env(
            "WASMDASH_PLUGINS__CACHE_DIR",
            wasmdash_tests::plugin_cache_dir(),
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start wasmdash serve")
}

/// Kill (SIGKILL) and reap.
fn kill(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[tokio::test]
async fn sigkill_mid_delivery_then_restart_delivers_the_email_once() {
    let smtp = SmtpServer::start();
    smtp.hold();
    let dir = tempfile::tempdir().unwrap();
    let db = create_db(dir.path());
    set_reading(&db, Utc::now(), 9.0);
    // Created ten minutes ago by the clock, so the server finds it overdue
    // and runs it at its first tick (the one catch-up run).
    let rig = Rig::in_dir(dir, Utc::now() - Duration::minutes(10), smtp.port(), &[]).await;
    let alert = rig
        .service
        .create(&rig.editor, draft("Killed mid-delivery"))
        .await
        .unwrap();
    let dir = rig.into_dir();

    let first = serve(dir.path());
    let held = smtp.wait_for(StdDuration::from_secs(120), |_, held| !held.is_empty());
    if !held {
        kill(first);
        panic!("the server never started an SMTP conversation");
    }
    // The message's data is at the SMTP server, which has not answered:
    // kill the sender now.
    kill(first);
    smtp.release();
    let held = smtp.held();
    assert_eq!(held.len(), 1);
    assert!(smtp.accepted().is_empty());

    let second = serve(dir.path());
    let delivered = smtp.wait_for(StdDuration::from_secs(120), |accepted, _| {
        !accepted.is_empty()
    });
    // Give a duplicate every chance to show up before looking.
    std::thread::sleep(StdDuration::from_secs(3));
    kill(second);
    assert!(delivered, "the email never arrived after the restart");
    let accepted = smtp.accepted();
    assert_eq!(accepted.len(), 1, "exactly one email for one event");
    let id = |m: &crate::alerts_smtp_server::Received| m.header("Message-ID").unwrap();
    assert_eq!(id(&accepted[0]), id(&held[0]), "the same notification");
    assert!(id(&accepted[0]).contains(alert.id.as_str()));
    assert_eq!(
        accepted[0].header("Subject").unwrap(),
        "[wasmdash] FIRING: Killed mid-delivery"
    );
}
