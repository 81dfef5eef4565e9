//! End-to-end checks of the `relais` binary: configuration errors, migrate,
//! admin account creation and serving, on SQLite and (when configured) PostgreSQL.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn relais(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relais"));
    cmd.current_dir(dir).env_remove("RELAIS_DATABASE__URL").env_remove("RUST_LOG");
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("relais runs")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn config_check_masks_secrets_and_names_bad_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ok = run(relais(dir.path())
        .args(["config", "check"])
        .env("RELAIS_DATABASE__URL", "postgres://relais:hunter2-secret@db/relais"));
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("postgres://relais:***@db/relais"));
    assert!(!text(&ok).contains("hunter2"));

    for (key, value, named) in [
        ("RELAIS_DATABASE__MAX_CONNECTIONS", "many", "database.max_connections"),
        ("RELAIS_DATABASE__URL", "mysql://db/relais", "database.url"),
        ("RELAIS_SERVER__BIND", "everywhere", "server.bind"),
        ("RELAIS_SERVER__PUBLIC_URL", "relais.example.org", "server.public_url"),
        ("RELAIS_LOG__FORMAT", "xml", "log.format"),
    ] {
        let out = run(relais(dir.path()).args(["config", "check"]).env(key, value));
        assert_eq!(out.status.code(), Some(2), "{key}: {}", text(&out));
        assert!(text(&out).contains(named), "{key}: {}", text(&out));
        assert!(!text(&out).contains("panicked"), "{}", text(&out));
    }
}

#[test]
fn an_unreachable_database_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(relais(dir.path())
        .arg("migrate")
        .env("RELAIS_DATABASE__URL", "postgres://relais:s3cret@127.0.0.1:1/relais")
        .env("RELAIS_DATABASE__ACQUIRE_TIMEOUT_SECS", "1"));
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out);
    assert!(message.contains("\"relais\" on 127.0.0.1:1"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

fn create_admin(dir: &std::path::Path, url: &str, email: &str, password: &str) -> Output {
    let mut child = relais(dir)
        .args(["admin", "create-network-admin", "--email", email, "--password-stdin"])
        .env("RELAIS_DATABASE__URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(format!("{password}\n").as_bytes()).expect("write");
    child.wait_with_output().expect("wait")
}

fn migrate_admin_and_serve(url: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run(relais(dir.path()).arg("migrate").env("RELAIS_DATABASE__URL", url));
    assert!(out.status.success(), "{}", text(&out));
    let status = run(relais(dir.path()).args(["migrate", "--status"]).env("RELAIS_DATABASE__URL", url));
    assert!(text(&status).contains("0 pending"), "{}", text(&status));

    let weak = create_admin(dir.path(), url, "admin@example.org", "password1234");
    assert!(!weak.status.success());
    assert!(text(&weak).contains("too common"), "{}", text(&weak));
    let created = create_admin(dir.path(), url, "Admin@Example.org", "une phrase de passe assez longue");
    assert!(created.status.success(), "{}", text(&created));
    let again = create_admin(dir.path(), url, "admin@example.org", "une phrase de passe assez longue");
    assert!(text(&again).contains("already exists"), "{}", text(&again));

    let port = free_port();
    let mut server = relais(dir.path())
        .args(["serve", "--no-migrate"])
        .env("RELAIS_DATABASE__URL", url)
        .env("RELAIS_SERVER__BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let ready = wait_for(&format!("127.0.0.1:{port}"), "/readyz");
    let _ = server.kill();
    let _ = server.wait();
    let (status, body) = ready.expect("the server answered");
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"ready\""), "{body}");
}

#[test]
fn migrate_create_admin_and_serve_on_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    migrate_admin_and_serve(&format!("sqlite:{}", dir.path().join("relais.db").display()));
}

#[test]
fn migrate_create_admin_and_serve_on_postgres() {
    let Some(db) = relais_test_support::TestDb::postgres_empty() else {
        return;
    };
    migrate_admin_and_serve(&db.db.url().connection_string());
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A minimal HTTP/1.1 GET, retried until the server is up (at most 20 s).
fn wait_for(addr: &str, path: &str) -> Option<(u16, String)> {
    use std::io::Read;
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(mut stream) = std::net::TcpStream::connect(addr) {
            let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            if stream.write_all(request.as_bytes()).is_ok() {
                let mut response = String::new();
                let _ = stream.read_to_string(&mut response);
                let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok())?;
                return Some((status, response));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}
