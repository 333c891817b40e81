//! A real SMTP server on loopback for the alert tests: the `mailin` SMTP
//! protocol state machine behind a plain TCP listener, one thread per
//! connection. It can be stopped and started again on the same port ("the
//! mail server is down"), and can hold a message after its data arrived
//! without answering, so a test can kill the sender mid-delivery.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mailin::{Handler, Response, SessionBuilder, response};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) from: String,
    pub(crate) to: Vec<String>,
    /// The raw message (headers and body) as sent.
    pub(crate) raw: String,
}

impl Received {
    /// A header's value (unfolded), by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The whole message with quoted-printable soft breaks and escapes
    /// undone, so body text can be searched.
    pub(crate) fn decoded(&self) -> String {
        let joined = self.raw.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[derive(Debug, Default)]
struct Shared {
    /// Accepted with `250`.
    accepted: Vec<Received>,
    /// Data received while holding; never accepted.
    held: Vec<Received>,
    /// Hold the next messages after their data, without answering.
    hold: bool,
    /// Let held conversations go on (they are then refused with 451).
    release: bool,
}

type State = Arc<(Mutex<Shared>, Condvar)>;

/// A running SMTP server on 127.0.0.1.
pub(crate) struct SmtpServer {
    addr: SocketAddr,
    state: State,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Clone)]
struct Conn {
    state: State,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Conn {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.from = from.to_owned();
        self.to.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_owned());
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = Received {
            from: self.from.clone(),
            to: self.to.clone(),
            raw: String::from_utf8_lossy(&self.data).into_owned(),
        };
        let (lock, cond) = &*self.state;
        let mut s = lock.lock().unwrap();
        if s.hold {
            s.held.push(message);
            cond.notify_all();
            while !s.release {
                s = cond.wait(s).unwrap();
            }
            return response::INTERNAL_ERROR;
        }
        s.accepted.push(message);
        cond.notify_all();
        response::OK
    }
}

fn serve_connection(stream: TcpStream, state: State) {
    let peer = stream
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut writer = match stream.try_clone() {
        Ok(w) => w,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    let conn = Conn {
        state,
        from: String::new(),
        to: Vec::new(),
        data: Vec::new(),
    };
    let mut session = SessionBuilder::new("test-smtp").build(peer, conn);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let res = session.process(&line);
        match res.action {
            mailin::Action::Reply => {
                if res.write_to(&mut writer).is_err() {
                    return;
                }
            }
            mailin::Action::Close => {
                let _ = res.write_to(&mut writer);
                let _ = writer.flush();
                return;
            }
            mailin::Action::NoReply => {}
            mailin::Action::UpgradeTls => return,
        }
    }
}

impl SmtpServer {
    /// Start on a free port.
    pub(crate) fn start() -> Self {
        Self::start_on("127.0.0.1:0".parse().unwrap())
    }

    /// Start on `addr` (e.g. the port of a server stopped before).
    pub(crate) fn start_on(addr: SocketAddr) -> Self {
        Self::with_state(addr, State::default())
    }

    fn with_state(addr: SocketAddr, state: State) -> Self {
        let listener = TcpListener::bind(addr).expect("bind the test SMTP server");
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, state) = (stop.clone(), state.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = conn {
                        let state = state.clone();
                        std::thread::spawn(move || serve_connection(stream, state));
                    }
                }
            })
        };
        Self {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// Its port.
    pub(crate) fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Stop listening (connections are then refused). Returns the address
    /// so the server can be started again there with [`SmtpServer::start_on`].
    pub(crate) fn stop(mut self) -> SocketAddr {
        self.shutdown();
        self.addr
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and drops the listener.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let (lock, cond) = &*self.state;
        lock.lock().unwrap().release = true;
        cond.notify_all();
    }

    /// Messages accepted so far.
    pub(crate) fn accepted(&self) -> Vec<Received> {
        self.state.0.lock().unwrap().accepted.clone()
    }

    /// Messages whose data arrived while holding (never accepted).
    pub(crate) fn held(&self) -> Vec<Received> {
        self.state.0.lock().unwrap().held.clone()
    }

    /// Hold every following message after its data, without answering,
    /// until [`SmtpServer::release`].
    pub(crate) fn hold(&self) {
        let mut s = self.state.0.lock().unwrap();
        s.hold = true;
        s.release = false;
    }

    /// Answer held conversations (with a temporary failure) and accept
    /// messages normally again.
    pub(crate) fn release(&self) {
        let (lock, cond) = &*self.state;
        let mut s = lock.lock().unwrap();
        s.hold = false;
        s.release = true;
        cond.notify_all();
    }

    /// Wait until `pred` holds for (accepted, held), at most `timeout`.
    pub(crate) fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&[Received], &[Received]) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cond) = &*self.state;
        let mut s = lock.lock().unwrap();
        loop {
            if pred(&s.accepted, &s.held) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            s = cond.wait_timeout(s, left).unwrap().0;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}
