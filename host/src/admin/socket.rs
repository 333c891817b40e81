//! The admin socket: `<data_dir>/admin.sock`, owner-only, one request per
//! connection (a JSON line in, a JSON reply out).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::{AdminContext, AdminError, AdminReply, AdminRequest, execute};

/// The socket's file name inside the data directory.
pub const SOCKET_FILE: &str = "admin.sock";
/// Largest request accepted, bytes (a password and a few names).
const MAX_REQUEST_BYTES: u64 = 64 * 1024;
/// How long the CLI waits for an answer (`check-now` evaluates every
/// alert and may send mail).
const REPLY_TIMEOUT: Duration = Duration::from_secs(300);

/// Where the running server of `data_dir` listens.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET_FILE)
}

/// Ask the server running on `data_dir` to execute `request`. `Ok(None)`
/// when no server listens there (no socket, or a stale one), so the
/// caller opens the store itself.
pub fn call(data_dir: &Path, request: &AdminRequest) -> Result<Option<AdminReply>, AdminError> {
    let path = socket_path(data_dir);
    let unreachable = |e: std::io::Error| {
        AdminError(format!(
            "cannot talk to the running server over {}: {e}",
            path.display()
        ))
    };
    let mut stream = match std::os::unix::net::UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(unreachable(e)),
    };
    stream
        .set_read_timeout(Some(REPLY_TIMEOUT))
        .map_err(unreachable)?;
    let mut line = serde_json::to_vec(request).map_err(|e| AdminError(e.to_string()))?;
    line.push(b'\n');
    stream.write_all(&line).map_err(unreachable)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).map_err(unreachable)?;
    let reply = serde_json::from_slice(&reply).map_err(|e| {
        AdminError(format!(
            "the server at {} gave an unreadable answer: {e}",
            path.display()
        ))
    })?;
    Ok(Some(reply))
}

/// The server's end: a bound socket, removed again when dropped.
#[derive(Debug)]
pub struct AdminSocket {
    listener: tokio::net::UnixListener,
    path: PathBuf,
}

impl AdminSocket {
    /// Listen on `<data_dir>/admin.sock`, readable and writable by the
    /// owner only. Call it only while holding the state store, whose lock
    /// makes a leftover socket file certainly stale.
    pub fn bind(data_dir: &Path) -> std::io::Result<Self> {
        use std::os::unix::fs::PermissionsExt as _;
        let path = socket_path(data_dir);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let listener = tokio::net::UnixListener::bind(&path)?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        Ok(Self { listener, path })
    }

    /// The socket file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Answer requests until the task is dropped.
    pub async fn serve(self, ctx: Arc<AdminContext>) {
        loop {
            let stream = match self.listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "admin socket: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let ctx = ctx.clone();
            tokio::spawn(async move {
                if let Err(e) = answer(stream, &ctx).await {
                    tracing::warn!(error = %e, "admin socket: a request failed");
                }
            });
        }
    }
}

impl Drop for AdminSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Read one request line, execute it, write the reply.
async fn answer(stream: tokio::net::UnixStream, ctx: &AdminContext) -> std::io::Result<()> {
    use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _};
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(read.take(MAX_REQUEST_BYTES))
        .read_line(&mut line)
        .await?;
    let result = match serde_json::from_str::<AdminRequest>(&line) {
        Ok(request) => {
            tracing::info!(command = command_name(&request), "admin command");
            execute(&request, ctx).await
        }
        Err(e) => Err(AdminError(format!("unreadable admin request: {e}"))),
    };
    let reply =
        serde_json::to_vec(&AdminReply::from_result(result)).map_err(std::io::Error::other)?;
    write.write_all(&reply).await?;
    write.shutdown().await
}

/// The command's name, for the log (never its arguments: a password).
fn command_name(request: &AdminRequest) -> String {
    serde_json::to_value(request)
        .ok()
        .and_then(|v| v.get("command").and_then(|c| c.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_socket_means_no_server() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(call(dir.path(), &AdminRequest::UserList).unwrap(), None);
        // A stale file nobody listens on is no server either.
        drop(std::os::unix::net::UnixListener::bind(socket_path(dir.path())).unwrap());
        assert_eq!(call(dir.path(), &AdminRequest::UserList).unwrap(), None);
    }

    #[test]
    fn the_log_names_the_command_only() {
        let r = AdminRequest::UserAdd {
            name: "a".into(),
            role: "admin".into(),
            password: "secret".into(),
        };
        assert_eq!(command_name(&r), "user-add");
    }
}
