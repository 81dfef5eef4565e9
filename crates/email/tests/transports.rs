//! Transports: the file transport writes complete messages; the SMTP
//! transport talks to a scripted SMTP server and classifies its answers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use relais_email::transport::{self, Transport};
use relais_email::{EmailSettings, FileTransport, SmtpTls, SmtpTransport, TransportSettings};
use relais_persistence::models::outbox::OutboxEmail;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const RECIPIENT: &str = "focal.point@example.org";

fn outbox_email(id: &str) -> OutboxEmail {
    let at = relais_persistence::now();
    OutboxEmail {
        id: id.to_owned(),
        tenant_id: None,
        idempotency_key: format!("test:{id}"),
        message_id: format!("<{id}@relais>"),
        recipient: RECIPIENT.to_owned(),
        language: "ar".to_owned(),
        template: "password_reset".to_owned(),
        subject: "إعادة تعيين كلمة المرور".to_owned(),
        body_text: "نص الرسالة https://relais.example.org/r?token=x\n".to_owned(),
        body_html: "<p>HTML الرسالة</p>\n".to_owned(),
        status: "pending".to_owned(),
        attempts: 0,
        next_attempt_at: at,
        locked_until: None,
        last_error: None,
        created_at: at,
        sent_at: None,
    }
}

fn from() -> lettre::message::Mailbox {
    "Relais <no-reply@relais.example.org>".parse().expect("valid mailbox")
}

#[tokio::test]
async fn the_file_transport_writes_one_complete_message_per_email() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let transport = FileTransport::new(dir.path().join("mail"), from()).expect("folder created");
    let id = "01900000-0000-7000-8000-000000000001";
    let email = outbox_email(id);

    transport.send(&email).await.expect("written");
    transport.send(&email).await.expect("written again");
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail")).expect("listed").collect();
    assert_eq!(files.len(), 1, "a second attempt overwrites the same file");

    let message = std::fs::read_to_string(transport.path_for(id)).expect("readable");
    for expected in [
        &format!("Message-ID: <{id}@relais>"),
        "From: Relais <no-reply@relais.example.org>",
        "To: focal.point@example.org",
        "Auto-Submitted: auto-generated",
        "Content-Language: ar-MA",
        "multipart/alternative",
        "text/plain; charset=utf-8",
        "text/html; charset=utf-8",
    ] {
        assert!(message.contains(expected), "{expected} missing in\n{message}");
    }
    assert!(message.contains("Subject: =?utf-8?"), "the Arabic subject is encoded: {message}");

    let bad = outbox_email("../escape");
    let err = transport.send(&bad).await.expect_err("refused");
    assert!(err.permanent);
}

#[test]
fn transports_come_from_the_settings() {
    let disabled = EmailSettings::default();
    assert!(transport::from_settings(&disabled).expect("valid").is_none());
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = EmailSettings {
        transport: TransportSettings::File { dir: dir.path().join("out") },
        ..EmailSettings::default()
    };
    assert!(transport::from_settings(&file).expect("valid").is_some());
    assert!(dir.path().join("out").is_dir());
    let broken = EmailSettings { from: "nobody".into(), ..file };
    assert!(transport::from_settings(&broken).is_err());
}

/// A scripted SMTP server: answers `rcpt_reply` to `RCPT TO` and records
/// the messages it accepts.
async fn smtp_server(rcpt_reply: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = Arc::clone(&received);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 fake.test ESMTP\r\n").await;
                while let Ok(Some(line)) = lines.next_line().await {
                    let command = line.to_ascii_uppercase();
                    let reply: &str = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        "250-fake.test\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("RCPT") {
                        rcpt_reply
                    } else if command.starts_with("DATA") {
                        let _ = write.write_all(b"354 go ahead\r\n").await;
                        let mut message = String::new();
                        while let Ok(Some(data)) = lines.next_line().await {
                            if data == "." {
                                break;
                            }
                            message.push_str(&data);
                            message.push('\n');
                        }
                        store.lock().expect("not poisoned").push(message);
                        "250 2.0.0 queued\r\n"
                    } else if command.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        "250 ok\r\n"
                    };
                    if write.write_all(reply.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, received)
}

fn local_smtp(port: u16) -> SmtpTransport {
    let settings = EmailSettings {
        from: "Relais <no-reply@relais.example.org>".into(),
        transport: TransportSettings::Smtp {
            host: "127.0.0.1".into(),
            port: Some(port),
            username: None,
            password: None,
            tls: SmtpTls::None,
        },
        send_timeout: Duration::from_secs(5),
        ..EmailSettings::default()
    };
    settings.validate().expect("a local relay without TLS is valid when configured");
    SmtpTransport::new(&settings).expect("transport")
}

#[tokio::test]
async fn smtp_sends_a_multipart_message_with_the_stored_message_id() {
    let (port, received) = smtp_server("250 2.1.5 ok\r\n").await;
    let transport = local_smtp(port);
    let email = outbox_email("01900000-0000-7000-8000-000000000002");
    transport.send(&email).await.expect("accepted");
    let messages = received.lock().expect("not poisoned").clone();
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert!(message.contains("Message-ID: <01900000-0000-7000-8000-000000000002@relais>"), "{message}");
    assert!(message.contains("multipart/alternative"));
    assert!(message.contains("Auto-Submitted: auto-generated"));
}

#[tokio::test]
async fn smtp_5xx_is_permanent_and_4xx_transient_without_the_address() {
    let (port, _) = smtp_server("550 5.1.1 <focal.point@example.org>: user unknown\r\n").await;
    let err = local_smtp(port).send(&outbox_email("01900000-0000-7000-8000-000000000003")).await.expect_err("refused");
    assert!(err.permanent, "{err}");
    assert!(err.reason.contains("550"), "{err}");
    assert!(!err.reason.contains(RECIPIENT), "{err}");

    let (port, _) = smtp_server("451 4.3.0 try again later\r\n").await;
    let err = local_smtp(port).send(&outbox_email("01900000-0000-7000-8000-000000000004")).await.expect_err("deferred");
    assert!(!err.permanent, "{err}");
    assert!(err.reason.contains("451"), "{err}");
}

#[tokio::test]
async fn an_unreachable_smtp_server_is_a_transient_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    let err = local_smtp(port).send(&outbox_email("01900000-0000-7000-8000-000000000005")).await.expect_err("down");
    assert!(!err.permanent, "{err}");
}
