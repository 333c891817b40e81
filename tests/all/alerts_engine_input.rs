//! Bad alert definitions are refused with a clear error naming the field,
//! and nothing is saved; ownership follows the dashboard rules.

use serde_json::json;
use wasmdash::alerts::{AlertDraft, AlertError, AlertId};

use crate::alerts_engine_support::{Rig, draft};
use crate::alerts_smtp_server::SmtpServer;

const T0: &str = "2026-01-15T10:00:00Z";

fn field_of(err: AlertError) -> (String, String) {
    match err {
        AlertError::Invalid { field, message } => (field, message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named_and_nothing_saved() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    type Edit = fn(&mut AlertDraft);
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "recipients",
            |d| d.recipients = vec!["not-an-address".into()],
            "not a valid email address",
        ),
        (
            "recipients",
            |d| d.recipients = vec!["ops@example.com".into(), "a@@b".into()],
            "a@@b",
        ),
        ("recipients", |d| d.recipients.clear(), "at least one"),
        (
            "metric",
            |d| d.metric = "no_such_metric".into(),
            "unknown metric",
        ),
        (
            "schedule",
            |d| d.schedule = "cron 0 0 30 2 *".parse().unwrap(),
            "never fires",
        ),
        (
            "schedule",
            |d| d.schedule = "cron 61 * * * *".parse().unwrap(),
            "cron",
        ),
        (
            "schedule",
            |d| d.schedule = wasmdash::alerts::Schedule::Every { minutes: 0 },
            "interval",
        ),
        (
            "rule_config.op",
            |d| d.rule_config = json!({"op": "~", "value": 5}),
            "",
        ),
        (
            "rule_config.value",
            |d| d.rule_config = json!({"op": ">"}),
            "",
        ),
        (
            "rule_config",
            |d| d.rule_config = json!([1, 2]),
            "JSON object",
        ),
        (
            "rule",
            |d| d.rule = "no-such-rule".into(),
            "no alert-rule plugin",
        ),
        (
            "rule",
            |d| d.rule = "metric-card".into(),
            "not an alert rule",
        ),
        ("range", |d| d.range = "forever".into(), "not a range"),
        ("name", |d| d.name = "   ".into(), "1..="),
        ("pending_count", |d| d.pending_count = 0, "1..="),
        (
            "dashboard",
            |d| d.dashboard = Some(wasmdash::store::DashboardId::from_string("nope")),
            "no such dashboard",
        ),
    ];
    for (field, edit, needle) in cases {
        let mut d = draft("Bad");
        edit(&mut d);
        let err = rig.service.create(&rig.editor, d).await.unwrap_err();
        assert!(err.is_user_error());
        let (f, message) = field_of(err);
        assert_eq!(f, field, "{message}");
        assert!(message.contains(needle), "{field}: {message}");
    }
    assert!(
        rig.service.list(&rig.admin).unwrap().is_empty(),
        "nothing saved"
    );

    // A good one saves; a bad update changes nothing.
    let alert = rig
        .service
        .create(&rig.editor, draft("Good"))
        .await
        .unwrap();
    let mut bad = draft("Renamed");
    bad.recipients = vec!["nope".into()];
    let err = rig
        .service
        .update(&alert.id, &rig.editor, bad, alert.version)
        .await
        .unwrap_err();
    assert_eq!(field_of(err).0, "recipients");
    let stored = rig.service.get(&alert.id, &rig.editor).unwrap().alert;
    assert_eq!(stored, alert);

    // Unknown JSON fields are refused when the draft is parsed.
    let err = serde_json::from_value::<AlertDraft>(json!({
        "name": "x", "metric": "reading", "rule": "threshold",
        "recipients": ["a@example.com"], "schedule": {"every": {"minutes": 5}},
        "colour": "red"
    }))
    .unwrap_err();
    assert!(err.to_string().contains("colour"), "{err}");
}

#[tokio::test]
async fn a_bulk_create_with_one_bad_draft_saves_none_of_them() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    let mut drafts: Vec<AlertDraft> = (0..5).map(|i| draft(&format!("bulk {i}"))).collect();
    drafts[3].metric = "no_such_metric".into();
    let err = rig
        .service
        .create_many(&rig.editor, drafts.clone())
        .await
        .unwrap_err();
    let (field, message) = field_of(err);
    assert_eq!(field, "[3].metric", "{message}");
    assert!(
        rig.service.list(&rig.admin).unwrap().is_empty(),
        "nothing saved"
    );

    let err = rig
        .service
        .create_many(&rig.viewer, vec![draft("by a viewer")])
        .await
        .unwrap_err();
    assert!(matches!(err, AlertError::Forbidden(_)), "{err:?}");

    drafts[3].metric = "reading".into();
    let created = rig.service.create_many(&rig.editor, drafts).await.unwrap();
    assert_eq!(created.len(), 5);
    let listed = rig.service.list(&rig.editor).unwrap();
    let names: Vec<_> = listed.iter().map(|v| v.alert.draft.name.as_str()).collect();
    assert_eq!(names, ["bulk 0", "bulk 1", "bulk 2", "bulk 3", "bulk 4"]);
    assert!(
        listed.iter().all(|v| v.status.next_run.is_some()),
        "every created alert is scheduled"
    );
}

#[tokio::test]
async fn owners_and_admins_see_alerts_others_do_not_and_versions_guard_updates() {
    let smtp = SmtpServer::start();
    let rig = Rig::new(T0, smtp.port()).await;
    let s = &rig.service;
    assert!(matches!(
        s.create(&rig.viewer, draft("Viewer's")).await,
        Err(AlertError::Forbidden(_))
    ));
    let alert = s.create(&rig.editor, draft("Mine")).await.unwrap();
    assert_eq!(alert.version, 1);
    assert!(matches!(
        s.get(&alert.id, &rig.editor2),
        Err(AlertError::NotFound)
    ));
    assert!(matches!(
        s.get(&alert.id, &rig.viewer),
        Err(AlertError::NotFound)
    ));
    assert!(s.get(&alert.id, &rig.admin).is_ok());
    assert_eq!(s.list(&rig.editor).unwrap().len(), 1);
    assert!(s.list(&rig.editor2).unwrap().is_empty());
    assert_eq!(s.list(&rig.admin).unwrap().len(), 1);
    assert!(matches!(
        s.history(&alert.id, &rig.editor2, 10),
        Err(AlertError::NotFound)
    ));
    assert!(matches!(
        s.delete(&alert.id, &rig.editor2).await,
        Err(AlertError::NotFound)
    ));

    let mut renamed = draft("Renamed");
    renamed.enabled = false;
    let updated = s.update(&alert.id, &rig.admin, renamed, 1).await.unwrap();
    assert_eq!(
        (updated.version, updated.owner.clone()),
        (2, rig.editor.id.clone())
    );
    let view = s.get(&alert.id, &rig.editor).unwrap();
    assert_eq!(view.status.next_run, None, "paused alerts have no next run");
    let err = s
        .update(&alert.id, &rig.editor, draft("Stale"), 1)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AlertError::StaleVersion { current: 2 }),
        "{err}"
    );

    s.delete(&alert.id, &rig.editor).await.unwrap();
    assert!(matches!(
        s.get(&alert.id, &rig.editor),
        Err(AlertError::NotFound)
    ));
    assert!(matches!(
        s.get(&AlertId::from_string("x"), &rig.admin),
        Err(AlertError::NotFound)
    ));
}
