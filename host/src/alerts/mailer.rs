//! SMTP with lettre: one connection per message (no pool, so a restarted
//! mail server is simply reconnected to), TLS as configured, the
//! notification key as `Message-ID` and `X-Wasmdash-Notification`.

use std::time::Duration;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::settings::{SmtpSettings, TlsMode};

/// Default limit of one SMTP conversation.
const DEFAULT_TIMEOUT_MS: u64 = 10_000;

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SendError {
    /// The server refused for good (5xx): retrying will not help.
    pub(crate) permanent: bool,
    /// What happened, for the history and the log.
    pub(crate) message: String,
}

/// An email ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing<'a> {
    pub(crate) key: &'a str,
    pub(crate) message_id: String,
    pub(crate) recipients: &'a [String],
    pub(crate) subject: &'a str,
    pub(crate) text: &'a str,
    pub(crate) html: &'a str,
}

/// `[smtp]` turned into a transport.
pub(crate) struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Option<Mailbox>,
    problem: Option<String>,
}

/// `X-Wasmdash-Notification: <key>`.
#[derive(Debug, Clone)]
struct NotificationHeader(String);

impl Header for NotificationHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Wasmdash-Notification")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

impl Mailer {
    /// A mailer for `settings`; without a host it sends nothing.
    pub(crate) fn new(settings: &SmtpSettings) -> Self {
        let from = settings.from_address().parse::<Mailbox>().ok();
        let Some(host) = settings.host.as_deref() else {
            return Self {
                transport: None,
                from,
                problem: Some("no [smtp] host is configured".into()),
            };
        };
        let builder = match settings.tls {
            TlsMode::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
            TlsMode::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        };
        let mut builder = match builder {
            Ok(b) => b,
            Err(e) => {
                return Self {
                    transport: None,
                    from,
                    problem: Some(format!("cannot set up TLS for {host}: {e}")),
                };
            }
        };
        builder = builder
            .port(settings.port())
            .timeout(Some(Duration::from_millis(
                settings.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
            )));
        if let Some(user) = &settings.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                settings.password.clone().unwrap_or_default(),
            ));
        }
        Self {
            transport: Some(builder.build()),
            from,
            problem: None,
        }
    }

    /// True when a host is configured.
    pub(crate) fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    /// Why nothing can be sent, when that is so.
    pub(crate) fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The domain of the sender, for `Message-ID`s.
    pub(crate) fn domain(&self) -> String {
        self.from.as_ref().map_or_else(
            || "wasmdash.invalid".to_owned(),
            |m| m.email.domain().to_owned(),
        )
    }

    /// Send one message; `Ok` once the server accepted it.
    pub(crate) async fn send(&self, out: &Outgoing<'_>) -> Result<(), SendError> {
        let fail = |permanent, message: String| SendError { permanent, message };
        let transport = self
            .transport
            .as_ref()
            .ok_or_else(|| fail(false, self.problem.clone().unwrap_or_default()))?;
        let from = self
            .from
            .clone()
            .ok_or_else(|| fail(true, "[smtp] from is not an email address".into()))?;
        let mut builder = Message::builder()
            .from(from)
            .subject(out.subject)
            .message_id(Some(out.message_id.clone()))
            .header(NotificationHeader(out.key.to_owned()));
        for r in out.recipients {
            let to = r
                .parse::<Mailbox>()
                .map_err(|e| fail(true, format!("recipient `{r}`: {e}")))?;
            builder = builder.to(to);
        }
        let message = builder
            .multipart(MultiPart::alternative_plain_html(
                out.text.to_owned(),
                out.html.to_owned(),
            ))
            .map_err(|e| fail(true, format!("cannot build the message: {e}")))?;
        transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| fail(e.is_permanent(), e.to_string()))
    }
}
