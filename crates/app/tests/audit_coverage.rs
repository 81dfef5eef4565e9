//! Every audit action of the closed list is written by some command, and
//! only the application layer writes audit rows.
//!
//! A command writes an action by naming it (`AuditAction::MemberInvited`
//! through `Tx::audit`), or — for referral transitions — through the one
//! mapping `ReferralAction::audit_action` that the transition path uses.
//! Each command's own tests check that the row is really written, once,
//! with its actor and time; this test catches an action that no command
//! writes any more (or never did), and an entry point that writes audit
//! rows itself.

use std::path::{Path, PathBuf};

use relais_domain::AuditAction;

/// The text of every `.rs` file under `dir`.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                found.push((path, text));
            }
        }
    }
    found
}

fn crate_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name)
}

/// The body of `ReferralAction::audit_action` in the domain.
fn referral_mapping() -> String {
    let text = std::fs::read_to_string(crate_dir("domain").join("src/referral.rs")).expect("referral.rs");
    let start = text.find("pub fn audit_action(&self)").expect("ReferralAction::audit_action");
    let body = &text[start..];
    let end = body.find("\n    }\n").expect("the end of audit_action");
    body[..end].to_owned()
}

#[test]
fn every_audit_action_is_written_by_a_command() {
    let app: String = sources(&crate_dir("app").join("src")).into_iter().map(|(_, text)| text).collect();
    assert!(app.contains(".audit_action()"), "the referral transition path writes the mapped action");
    let mapping = referral_mapping();
    let unwritten: Vec<String> = AuditAction::ALL
        .iter()
        .map(|action| format!("{action:?}"))
        .filter(|name| {
            let named = format!("AuditAction::{name}");
            let mapped = format!("A::{name}");
            !app.contains(&named) && !mapping.contains(&mapped)
        })
        .collect();
    assert!(unwritten.is_empty(), "audit actions no command writes: {unwritten:?}");
}

#[test]
fn only_the_application_layer_writes_audit_rows() {
    for entry_point in ["web", "jobs", "email"] {
        for (path, text) in sources(&crate_dir(entry_point).join("src")) {
            for writer in ["audit::record(", "audit_log::record(", "NewAuditEvent"] {
                assert!(!text.contains(writer), "{} writes audit rows itself ({writer})", path.display());
            }
        }
    }
}
