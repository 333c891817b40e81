//! Accounts, sessions, CSRF and API tokens over a real sled store.

use std::time::Instant;

use chrono::Duration;
use wasmdash::auth::{AdminBootstrap, AuthConfig, AuthError, check_csrf};
use wasmdash::store::{Role, StoreError};

use crate::store_support::{at, snapshot, t0, temp_auth};

/// Recognises the error a case expects.
type IsExpected = fn(&AuthError) -> bool;

fn short_sessions() -> AuthConfig {
    AuthConfig {
        idle_timeout: Duration::minutes(30),
        absolute_timeout: Duration::minutes(120),
        touch_interval: Duration::minutes(1),
    }
}

#[test]
fn create_user_refuses_bad_input_and_stores_nothing() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    auth.create_user("dana", "password-1", Role::Editor, t0())
        .unwrap();
    let before = snapshot(&**auth.store());
    let cases: [(&str, &str, IsExpected); 4] = [
        ("DANA", "password-2", |e| {
            matches!(e, AuthError::Store(StoreError::DuplicateUsername(_)))
        }),
        ("eve", "short", |e| {
            matches!(e, AuthError::PasswordTooShort { min: 8 })
        }),
        ("eve", "", |e| {
            matches!(e, AuthError::PasswordTooShort { .. })
        }),
        ("e ve", "password-3", |e| {
            matches!(e, AuthError::Store(StoreError::InvalidUsername(_)))
        }),
    ];
    for (name, password, expected) in cases {
        let err = auth
            .create_user(name, password, Role::Viewer, t0())
            .unwrap_err();
        assert!(expected(&err), "{name}/{password}: {err:?}");
    }
    assert_eq!(snapshot(&**auth.store()), before);
    let stored = auth.store().user_by_name("dana").unwrap().unwrap();
    assert!(stored.password_hash.starts_with("$argon2id$"));
    assert!(!stored.password_hash.contains("password-1"));
}

#[test]
fn login_checks_the_password_and_hides_which_usernames_exist() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    auth.create_user("fred", "fred's password", Role::Viewer, t0())
        .unwrap();
    assert!(auth.login("FRED", "fred's password", None, t0()).is_ok());
    let wrong = auth.login("fred", "not it at all", None, t0()).unwrap_err();
    let unknown = auth
        .login("nobody", "not it at all", None, t0())
        .unwrap_err();
    assert!(matches!(wrong, AuthError::InvalidCredentials));
    assert!(matches!(unknown, AuthError::InvalidCredentials));
    assert_eq!(wrong.to_string(), unknown.to_string());

    // An unknown name costs a real Argon2 verification too. Timings are
    // interleaved and the fastest of each kind compared, so other tests
    // running in parallel do not skew one side; the bound is loose (a quarter),
    // while without the dummy verification the ratio is near zero.
    let time = |name: &str| {
        let start = Instant::now();
        let _ = auth.authenticate(name, "not it at all");
        start.elapsed()
    };
    time("nobody"); // warm-up: the dummy hash is made on first use
    let (mut known, mut unknown) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..15 {
        known = known.min(time("fred"));
        unknown = unknown.min(time("nobody"));
    }
    // A quarter: loose enough for a loaded CI machine, where a single
    // hash can take twice as long as its neighbour; without the dummy
    // verification the ratio is near zero (microseconds against ~40 ms).
    assert!(
        unknown * 4 >= known,
        "unknown user {unknown:?} vs wrong password {known:?}"
    );
}

#[test]
fn login_rotates_the_session_id_and_logout_ends_it() {
    let (_dir, auth) = temp_auth(short_sessions());
    auth.create_user("gina", "gina's password", Role::Editor, t0())
        .unwrap();
    let first = auth.login("gina", "gina's password", None, t0()).unwrap();
    let (user, session) = auth.validate_session(first.token.as_str(), t0()).unwrap();
    assert_eq!(user.username, "gina");
    assert_eq!(session.csrf_token, first.session.csrf_token);
    assert!(check_csrf(&session, Some(&first.session.csrf_token)).is_ok());

    let second = auth
        .login("gina", "gina's password", Some(first.token.as_str()), at(1))
        .unwrap();
    assert_ne!(first.token, second.token);
    assert_ne!(first.session.csrf_token, second.session.csrf_token);
    assert!(matches!(
        auth.validate_session(first.token.as_str(), at(1)),
        Err(AuthError::NotSignedIn)
    ));
    let (_, s2) = auth.validate_session(second.token.as_str(), at(1)).unwrap();
    // The old session's CSRF token does not work with the new session.
    assert!(check_csrf(&s2, Some(&first.session.csrf_token)).is_err());

    auth.logout(second.token.as_str()).unwrap();
    assert!(matches!(
        auth.validate_session(second.token.as_str(), at(2)),
        Err(AuthError::NotSignedIn)
    ));
    auth.logout(second.token.as_str()).unwrap();
    assert!(matches!(
        auth.validate_session("made-up", at(2)),
        Err(AuthError::NotSignedIn)
    ));
}

#[test]
fn sessions_slide_with_use_and_end_at_the_idle_and_absolute_limits() {
    let (_dir, auth) = temp_auth(short_sessions());
    auth.create_user("hal", "hal's password", Role::Viewer, t0())
        .unwrap();

    // Idle: used at +20 min, so valid until +50 min, not +30.
    let s = auth.login("hal", "hal's password", None, t0()).unwrap();
    let token = s.token.as_str();
    assert_eq!(s.session.expires, at(30));
    assert_eq!(
        auth.validate_session(token, at(20)).unwrap().1.expires,
        at(50)
    );
    assert!(auth.validate_session(token, at(45)).is_ok());
    assert!(matches!(
        auth.validate_session(token, at(45 + 30)),
        Err(AuthError::SessionExpired)
    ));
    // Expired sessions are deleted on sight.
    assert!(matches!(
        auth.validate_session(token, at(45 + 30)),
        Err(AuthError::NotSignedIn)
    ));

    // Absolute: used every 20 minutes, still ends at +120 min.
    let s = auth.login("hal", "hal's password", None, t0()).unwrap();
    let token = s.token.as_str();
    for minute in (20..120).step_by(20) {
        let (_, session) = auth.validate_session(token, at(minute)).unwrap();
        assert!(session.expires <= at(120));
    }
    assert!(matches!(
        auth.validate_session(token, at(120)),
        Err(AuthError::SessionExpired)
    ));
}

#[test]
fn sweeping_deletes_only_expired_sessions() {
    let (_dir, auth) = temp_auth(short_sessions());
    auth.create_user("ida", "ida's password", Role::Viewer, t0())
        .unwrap();
    let early = auth.login("ida", "ida's password", None, t0()).unwrap();
    let late = auth.login("ida", "ida's password", None, at(20)).unwrap();
    assert_eq!(auth.sweep_sessions(at(29)).unwrap(), 0);
    assert_eq!(auth.sweep_sessions(at(31)).unwrap(), 1);
    assert!(auth.store().session(&early.session.hash).unwrap().is_none());
    assert!(auth.validate_session(late.token.as_str(), at(31)).is_ok());
    assert_eq!(auth.sweep_sessions(at(31)).unwrap(), 0);
}

#[test]
fn a_password_change_logs_out_everywhere() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    let jo = auth
        .create_user("jo", "jo's old password", Role::Editor, t0())
        .unwrap();
    auth.create_user("kim", "kim's password", Role::Editor, t0())
        .unwrap();
    let laptop = auth.login("jo", "jo's old password", None, at(1)).unwrap();
    let phone = auth.login("jo", "jo's old password", None, at(2)).unwrap();
    let kim = auth.login("kim", "kim's password", None, at(2)).unwrap();

    auth.change_password(&jo.id, "jo's new password", at(3))
        .unwrap();
    for s in [&laptop, &phone] {
        assert!(matches!(
            auth.validate_session(s.token.as_str(), at(3)),
            Err(AuthError::NotSignedIn)
        ));
        assert!(auth.store().session(&s.session.hash).unwrap().is_none());
    }
    assert!(auth.validate_session(kim.token.as_str(), at(3)).is_ok());
    assert!(matches!(
        auth.login("jo", "jo's old password", None, at(4)),
        Err(AuthError::InvalidCredentials)
    ));
    let fresh = auth.login("jo", "jo's new password", None, at(4)).unwrap();
    assert!(auth.validate_session(fresh.token.as_str(), at(4)).is_ok());
    assert!(matches!(
        auth.change_password(&jo.id, "short", at(5)),
        Err(AuthError::PasswordTooShort { .. })
    ));
    assert!(auth.validate_session(fresh.token.as_str(), at(5)).is_ok());
}

#[test]
fn disabling_a_user_ends_sessions_and_tokens() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    let lee = auth
        .create_user("lee", "lee's password", Role::Editor, t0())
        .unwrap();
    let s = auth.login("lee", "lee's password", None, t0()).unwrap();
    let token = auth.create_api_token(&lee.id, "script", t0()).unwrap();
    auth.store().set_disabled(&lee.id, true).unwrap();
    assert!(auth.validate_session(s.token.as_str(), at(1)).is_err());
    assert!(matches!(
        auth.login("lee", "lee's password", None, at(1)),
        Err(AuthError::AccountDisabled)
    ));
    assert!(matches!(
        auth.verify_api_token(&token.plaintext, at(1)),
        Err(AuthError::InvalidToken)
    ));
    auth.store().set_disabled(&lee.id, false).unwrap();
    assert!(auth.verify_api_token(&token.plaintext, at(2)).is_ok());
}

#[test]
fn api_tokens_are_shown_once_verified_by_hash_and_revocable() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    let max = auth
        .create_user("max", "max's password", Role::Editor, t0())
        .unwrap();
    let ned = auth
        .create_user("ned", "ned's password", Role::Editor, t0())
        .unwrap();
    let created = auth.create_api_token(&max.id, "grafana", t0()).unwrap();
    assert!(created.plaintext.starts_with("wdt_"));
    assert_eq!(created.plaintext.len(), 4 + 64);
    let other = auth.create_api_token(&max.id, "cron", t0()).unwrap();
    assert_ne!(created.plaintext, other.plaintext);

    assert_eq!(
        auth.verify_api_token(&created.plaintext, at(5)).unwrap().id,
        max.id
    );
    let listed = auth.api_tokens(&max.id).unwrap();
    assert_eq!(listed.len(), 2);
    let record = listed.iter().find(|t| t.id == created.token.id).unwrap();
    assert_eq!(record.name, "grafana");
    assert_eq!(record.last_used, Some(at(5)));
    assert!(auth.api_tokens(&ned.id).unwrap().is_empty());
    let dump = serde_json::to_string(&auth.store().export_all().unwrap()).unwrap();
    assert!(
        !dump.contains(&created.plaintext[4..]),
        "only hashes are stored"
    );

    for bad in [
        "",
        "wdt_",
        "Bearer x",
        &created.plaintext[..40],
        &created.plaintext.to_uppercase(),
    ] {
        assert!(matches!(
            auth.verify_api_token(bad, at(6)),
            Err(AuthError::InvalidToken)
        ));
    }
    assert!(matches!(
        auth.create_api_token(&max.id, "  ", t0()),
        Err(AuthError::BadTokenName)
    ));

    // Ned cannot revoke Max's token; Max can.
    let before = snapshot(&**auth.store());
    assert!(matches!(
        auth.revoke_api_token(&ned.id, &created.token.id),
        Err(AuthError::Store(StoreError::TokenNotFound))
    ));
    assert_eq!(snapshot(&**auth.store()), before);
    auth.revoke_api_token(&max.id, &created.token.id).unwrap();
    assert!(matches!(
        auth.verify_api_token(&created.plaintext, at(7)),
        Err(AuthError::InvalidToken)
    ));
    assert!(auth.verify_api_token(&other.plaintext, at(7)).is_ok());
}

#[test]
fn ensure_admin_creates_once_and_never_overwrites() {
    let (_dir, auth) = temp_auth(AuthConfig::default());
    let AdminBootstrap::CreatedWithPassword(generated) =
        auth.ensure_admin("admin", None, t0()).unwrap()
    else {
        panic!("a new admin gets a random password");
    };
    let admin = auth.authenticate("admin", &generated).unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert_eq!(
        auth.ensure_admin("ADMIN", Some("another password"), at(1))
            .unwrap(),
        AdminBootstrap::Existed
    );
    assert!(auth.authenticate("admin", &generated).is_ok(), "unchanged");

    assert_eq!(
        auth.ensure_admin("root", Some("the root password"), t0())
            .unwrap(),
        AdminBootstrap::Created
    );
    assert!(auth.authenticate("root", "the root password").is_ok());
    assert!(matches!(
        auth.ensure_admin("boss", Some("short"), t0()),
        Err(AuthError::PasswordTooShort { .. })
    ));
    assert!(auth.store().user_by_name("boss").unwrap().is_none());
}
