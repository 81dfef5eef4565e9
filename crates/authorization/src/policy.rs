//! The role → permission rules of `config/casbin/policy.csv`, parsed and
//! checked: every role and every permission must be one the code knows.

use relais_domain::{NetworkRole, Permission, TenantRole};
use thiserror::Error;

/// The Casbin model, embedded.
pub const MODEL: &str = include_str!("../../../config/casbin/model.conf");
/// The role → permission rules, embedded.
pub const POLICY: &str = include_str!("../../../config/casbin/policy.csv");

/// A policy file that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("policy line {line}: {problem}")]
pub struct PolicyError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong, naming the value.
    pub problem: String,
}

/// One rule: `role` may do `permission`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The role code.
    pub role: &'static str,
    /// The permission.
    pub permission: Permission,
}

fn known_role(code: &str) -> Option<&'static str> {
    TenantRole::ALL
        .iter()
        .map(TenantRole::as_str)
        .chain(NetworkRole::ALL.iter().map(NetworkRole::as_str))
        .find(|r| *r == code)
}

/// Parses and checks a policy file.
pub fn parse(text: &str) -> Result<Vec<Rule>, PolicyError> {
    let mut rules = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = content.split(',').map(str::trim).collect();
        let [ptype, role, object, action] = fields[..] else {
            return Err(PolicyError {
                line,
                problem: format!("expected \"p, role, object, action\", found \"{content}\""),
            });
        };
        if ptype != "p" {
            return Err(PolicyError {
                line,
                problem: format!("only p rules belong here (role assignments live in the database), found \"{ptype}\""),
            });
        }
        let role = known_role(role).ok_or_else(|| PolicyError { line, problem: format!("unknown role \"{role}\"") })?;
        let permission = Permission::from_parts(object, action)
            .ok_or_else(|| PolicyError { line, problem: format!("unknown permission \"{object}:{action}\"") })?;
        rules.push(Rule { role, permission });
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_policy_is_valid() {
        let rules = parse(POLICY).expect("valid policy");
        assert!(rules.iter().any(|r| r.role == "tenant_admin" && r.permission == Permission::MemberManage));
        assert!(!rules.iter().any(|r| r.role == "volunteer" && r.permission == Permission::MemberManage));
    }

    #[test]
    fn mistakes_are_reported_with_their_line() {
        assert_eq!(parse("p, chef, member, read").expect_err("role").line, 1);
        let err = parse("# comment\np, caseworker, member, eat").expect_err("permission");
        assert_eq!(err.line, 2);
        assert!(err.problem.contains("member:eat"));
        assert!(parse("g, someone, caseworker, t1").is_err());
        assert!(parse("p, caseworker, member").is_err());
    }
}
