//! An SMTP server on a loopback port, for tests. It speaks enough of RFC 5321 (EHLO/HELO, MAIL,
//! RCPT, DATA, RSET, NOOP, QUIT) for a real SMTP client to deliver to it, keeps every message it
//! accepted, and answers a transaction with a failure when the test asks for one. It stands in
//! for the mail server on the other end of the network, not for Keyrack's mailer: the client under
//! test is the real one.
//!
//! [`SmtpServer::stop`] closes the port (and every open connection) and [`SmtpServer::restart`]
//! listens on the same port again, for "the mail server is down" tests.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// A failure to answer one mail transaction with, taken in order, one per transaction (MAIL FROM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `421` to MAIL FROM, then the connection closes: the service is going away (temporary).
    Unavailable421,
    /// `451` after the message data: a local problem; the client should try again later.
    Deferred451,
    /// `550` to RCPT TO: the mailbox does not exist (permanent).
    Rejected550,
}

/// A message the server accepted (answered `250` after its data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (MAIL FROM).
    pub from: String,
    /// The envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The message as sent, headers and body, with the dot-stuffing undone.
    pub data: String,
}

#[derive(Debug, Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    faults: Mutex<VecDeque<Fault>>,
    transactions: AtomicUsize,
}

impl Shared {
    fn next_fault(&self) -> Option<Fault> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner).pop_front()
    }
}

/// A running SMTP server on `127.0.0.1`.
#[derive(Debug)]
pub struct SmtpServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpServer {
    /// Listens on a free loopback port.
    pub async fn start() -> io::Result<Self> {
        let listener = listen("127.0.0.1:0".parse().map_err(io::Error::other)?)?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let task = tokio::spawn(serve(listener, shared.clone()));
        Ok(Self { address, shared, task: Mutex::new(Some(task)) })
    }

    /// `smtp://127.0.0.1:PORT`, plain SMTP.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Queues failures: each one answers the next mail transaction, in order.
    pub fn fail_next(&self, faults: impl IntoIterator<Item = Fault>) {
        self.shared.faults.lock().unwrap_or_else(PoisonError::into_inner).extend(faults);
    }

    /// Every message accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// How many mail transactions (MAIL FROM) were started, accepted or not.
    pub fn transactions(&self) -> usize {
        self.shared.transactions.load(Ordering::SeqCst)
    }

    /// Waits up to ten seconds until at least `count` messages arrived, and answers them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let received = self.received();
            if received.len() >= count || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Closes the port and every open connection: clients now get "connection refused".
    pub async fn stop(&self) {
        let task = self.task.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(task) = task {
            task.abort();
            // Awaiting the aborted task makes sure its listener and connections are dropped.
            let _ = task.await;
        }
    }

    /// Listens again on the same port after [`SmtpServer::stop`].
    pub async fn restart(&self) -> io::Result<()> {
        self.stop().await;
        let listener = listen(self.address)?;
        let task = tokio::spawn(serve(listener, self.shared.clone()));
        *self.task.lock().unwrap_or_else(PoisonError::into_inner) = Some(task);
        Ok(())
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.lock().unwrap_or_else(PoisonError::into_inner).take() {
            task.abort();
        }
    }
}

/// A listener with SO_REUSEADDR, so that a restart can take the port back at once even though
/// the previous connections on it are still in TIME_WAIT.
fn listen(address: SocketAddr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(64)
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    // Dropping the set (when this task is aborted) aborts every session: stop() closes them all.
    let mut sessions = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        sessions.spawn(session(stream, shared.clone()));
        while sessions.try_join_next().is_some() {}
    }
}

/// One mail transaction in progress.
struct Transaction {
    from: String,
    to: Vec<String>,
    fault: Option<Fault>,
}

/// Longest command line accepted (RFC 5321 §4.5.3.1.4 says 512 octets; clients stay well under).
const MAX_LINE: usize = 4096;
/// Largest message accepted, as announced in the EHLO answer.
const MAX_MESSAGE: usize = 10 * 1024 * 1024;

async fn session(stream: TcpStream, shared: Arc<Shared>) {
    let mut wire = Wire { stream, buffer: Vec::new() };
    // Any I/O error ends the session, as a real server would drop a broken connection.
    let _ = converse(&mut wire, &shared).await;
}

async fn converse(wire: &mut Wire, shared: &Shared) -> io::Result<()> {
    wire.reply("220 keyrack-testkit ESMTP ready").await?;
    let mut greeted = false;
    let mut transaction: Option<Transaction> = None;
    while let Some(line) = wire.line(MAX_LINE).await? {
        let verb = line.get(..4).unwrap_or(&line).to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                greeted = true;
                transaction = None;
                wire.reply(&format!("250-keyrack-testkit\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_MESSAGE}")).await?;
            }
            "HELO" => {
                greeted = true;
                transaction = None;
                wire.reply("250 keyrack-testkit").await?;
            }
            "MAIL" if !greeted => wire.reply("503 5.5.1 say EHLO first").await?,
            "MAIL" => {
                shared.transactions.fetch_add(1, Ordering::SeqCst);
                let fault = shared.next_fault();
                if fault == Some(Fault::Unavailable421) {
                    wire.reply("421 4.3.2 service not available, closing the connection").await?;
                    return Ok(());
                }
                transaction = Some(Transaction { from: path(&line), to: Vec::new(), fault });
                wire.reply("250 2.1.0 sender ok").await?;
            }
            "RCPT" => match transaction.as_mut() {
                None => wire.reply("503 5.5.1 MAIL first").await?,
                Some(t) if t.fault == Some(Fault::Rejected550) => {
                    wire.reply("550 5.1.1 mailbox unavailable").await?;
                }
                Some(t) => {
                    t.to.push(path(&line));
                    wire.reply("250 2.1.5 recipient ok").await?;
                }
            },
            "DATA" => match transaction.take() {
                Some(t) if !t.to.is_empty() => {
                    wire.reply("354 end data with <CR><LF>.<CR><LF>").await?;
                    let Some(data) = read_data(wire).await? else {
                        wire.reply("552 5.3.4 message too big").await?;
                        continue;
                    };
                    if t.fault == Some(Fault::Deferred451) {
                        wire.reply("451 4.3.0 temporary failure, try again later").await?;
                    } else {
                        // Kept before the answer, so a client that got 250 finds its message here.
                        shared.received.lock().unwrap_or_else(PoisonError::into_inner).push(Received {
                            from: t.from,
                            to: t.to,
                            data,
                        });
                        wire.reply("250 2.0.0 queued").await?;
                    }
                }
                other => {
                    transaction = other;
                    wire.reply("503 5.5.1 RCPT first").await?;
                }
            },
            "RSET" => {
                transaction = None;
                wire.reply("250 2.0.0 reset").await?;
            }
            "NOOP" => wire.reply("250 2.0.0 ok").await?,
            "QUIT" => {
                wire.reply("221 2.0.0 bye").await?;
                return Ok(());
            }
            _ => wire.reply("502 5.5.2 command not implemented").await?,
        }
    }
    Ok(())
}

/// The message after DATA, up to the line with a single dot; `None` when it exceeds
/// [`MAX_MESSAGE`] (the rest is read and dropped, so the conversation can go on).
async fn read_data(wire: &mut Wire) -> io::Result<Option<String>> {
    let mut lines = Vec::new();
    let mut size = 0;
    loop {
        let Some(line) = wire.line(MAX_MESSAGE).await? else {
            return Err(io::ErrorKind::UnexpectedEof.into());
        };
        if line == "." {
            return Ok((size <= MAX_MESSAGE).then(|| lines.join("\r\n")));
        }
        size += line.len() + 2;
        if size <= MAX_MESSAGE {
            // RFC 5321 §4.5.2: a line starting with a dot was sent with one more.
            lines.push(line.strip_prefix('.').map(str::to_owned).unwrap_or(line));
        }
    }
}

/// The address between `<` and `>` of `MAIL FROM:<…>` or `RCPT TO:<…>`.
fn path(line: &str) -> String {
    line.split_once('<').and_then(|(_, rest)| rest.split_once('>')).map(|(address, _)| address.to_owned()).unwrap_or_default()
}

/// A connection read line by line (CRLF) and written whole.
struct Wire {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Wire {
    /// The next line without its CRLF; `None` when the client closed the connection.
    async fn line(&mut self, limit: usize) -> io::Result<Option<String>> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buffer.drain(..end + 2).take(end).collect();
                return Ok(Some(String::from_utf8_lossy(&line).into_owned()));
            }
            if self.buffer.len() > limit {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
            }
            self.stream.readable().await?;
            let mut chunk = [0_u8; 8192];
            match self.stream.try_read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends one reply (several lines joined by CRLF for a multi-line reply).
    async fn reply(&mut self, text: &str) -> io::Result<()> {
        let bytes = format!("{text}\r\n").into_bytes();
        let mut rest = bytes.as_slice();
        while !rest.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(rest) {
                Ok(n) => rest = &rest[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client that speaks the protocol by hand, to check the server without any mail library.
    async fn say(stream: &mut Wire, line: &str) -> String {
        stream.reply(line).await.unwrap();
        let mut answer = stream.line(MAX_LINE).await.unwrap().unwrap();
        // Multi-line replies continue with "250-".
        while answer.as_bytes().get(3) == Some(&b'-') {
            answer = stream.line(MAX_LINE).await.unwrap().unwrap();
        }
        answer
    }

    async fn connect(server: &SmtpServer) -> Wire {
        let mut wire = Wire { stream: TcpStream::connect(server.address()).await.unwrap(), buffer: Vec::new() };
        assert!(wire.line(MAX_LINE).await.unwrap().unwrap().starts_with("220 "));
        wire
    }

    #[tokio::test]
    async fn accepts_a_message_and_undoes_dot_stuffing() {
        let server = SmtpServer::start().await.unwrap();
        let mut c = connect(&server).await;
        assert!(say(&mut c, "EHLO client").await.starts_with("250 "));
        assert!(say(&mut c, "MAIL FROM:<a@example.test> BODY=8BITMIME").await.starts_with("250 "));
        assert!(say(&mut c, "RCPT TO:<b@example.test>").await.starts_with("250 "));
        assert!(say(&mut c, "DATA").await.starts_with("354 "));
        assert!(say(&mut c, "Subject: hi\r\n\r\n..leading dot\r\nend\r\n.").await.starts_with("250 "));
        assert!(say(&mut c, "QUIT").await.starts_with("221 "));
        let received = server.received();
        assert_eq!(received.len(), 1);
        assert_eq!(received[0].from, "a@example.test");
        assert_eq!(received[0].to, vec!["b@example.test".to_owned()]);
        assert_eq!(received[0].data, "Subject: hi\r\n\r\n.leading dot\r\nend");
    }

    #[tokio::test]
    async fn answers_the_queued_faults_in_order_then_accepts() {
        let server = SmtpServer::start().await.unwrap();
        server.fail_next([Fault::Rejected550, Fault::Deferred451, Fault::Unavailable421]);
        let mut c = connect(&server).await;
        say(&mut c, "EHLO client").await;
        say(&mut c, "MAIL FROM:<a@example.test>").await;
        assert!(say(&mut c, "RCPT TO:<b@example.test>").await.starts_with("550 "));
        say(&mut c, "RSET").await;
        say(&mut c, "MAIL FROM:<a@example.test>").await;
        say(&mut c, "RCPT TO:<b@example.test>").await;
        say(&mut c, "DATA").await;
        assert!(say(&mut c, "Subject: x\r\n\r\nbody\r\n.").await.starts_with("451 "));
        assert!(say(&mut c, "MAIL FROM:<a@example.test>").await.starts_with("421 "));
        assert_eq!(c.line(MAX_LINE).await.unwrap(), None, "421 closes the connection");
        let mut c = connect(&server).await;
        say(&mut c, "EHLO client").await;
        say(&mut c, "MAIL FROM:<a@example.test>").await;
        say(&mut c, "RCPT TO:<b@example.test>").await;
        say(&mut c, "DATA").await;
        assert!(say(&mut c, "Subject: x\r\n\r\nbody\r\n.").await.starts_with("250 "));
        assert_eq!(server.received().len(), 1, "only the accepted message is kept");
        assert_eq!(server.transactions(), 4);
    }

    #[tokio::test]
    async fn refuses_commands_out_of_order() {
        let server = SmtpServer::start().await.unwrap();
        let mut c = connect(&server).await;
        assert!(say(&mut c, "MAIL FROM:<a@example.test>").await.starts_with("503 "));
        say(&mut c, "HELO client").await;
        assert!(say(&mut c, "RCPT TO:<b@example.test>").await.starts_with("503 "));
        assert!(say(&mut c, "DATA").await.starts_with("503 "));
        assert!(say(&mut c, "VRFY b").await.starts_with("502 "));
    }

    #[tokio::test]
    async fn stop_closes_the_port_and_restart_opens_it_again() {
        let server = SmtpServer::start().await.unwrap();
        let open = connect(&server).await;
        server.stop().await;
        assert!(TcpStream::connect(server.address()).await.is_err(), "the port is closed");
        drop(open);
        server.restart().await.unwrap();
        let mut c = connect(&server).await;
        assert!(say(&mut c, "NOOP").await.starts_with("250 "));
    }
}
