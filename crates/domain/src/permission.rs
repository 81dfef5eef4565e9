//! Permissions: what a role may do, as an object and an action in domain
//! words (`member` + `manage`), never URL paths. Role → permission rules
//! live in `config/casbin/policy.csv`; this list is what that file may name.

use crate::codes::code_enum;

code_enum!(
    /// One permission. The code is `object:action`.
    Permission, "permission" {
        /// Create, edit, deactivate tenants and invite their first administrator (network).
        TenantManage => "tenant:manage",
        /// See the list of tenants (network).
        TenantRead => "tenant:read",
        /// Read the audit log (network-level events in the network domain, the tenant's own in a tenant).
        AuditRead => "audit:read",
        /// See the tenant's members and their roles.
        MemberRead => "member:read",
        /// Invite members, change their role, disable or re-enable them.
        MemberManage => "member:manage",
        /// Register a person.
        BeneficiaryCreate => "beneficiary:create",
        /// See people: the list, search, and a person's identity and contact fields.
        BeneficiaryRead => "beneficiary:read",
        /// Change a person's record.
        BeneficiaryUpdate => "beneficiary:update",
        /// Export one person's data (right of access).
        BeneficiaryExport => "beneficiary:export",
        /// Erase one person's personal data on request (irreversible).
        BeneficiaryErase => "beneficiary:erase",
        /// See identity documents (type, number, dates).
        DocumentRead => "document:read",
        /// Add, change or remove identity documents.
        DocumentManage => "document:manage",
        /// Record and withdraw consents.
        ConsentManage => "consent:manage",
        /// Open a case file.
        CaseCreate => "case:create",
        /// See case files (notes visible to the user, tasks, timeline).
        CaseRead => "case:read",
        /// Change a case file: status, assignment, notes, tasks.
        CaseUpdate => "case:update",
        /// Publish and edit the tenant's own services in the directory.
        ServiceManage => "service:manage",
        /// Manage the external organisations of the directory and their services (network).
        DirectoryManage => "directory:manage",
        /// Prepare a referral from a case (a volunteer's draft waits for a caseworker).
        ReferralDraft => "referral:draft",
        /// Send, withdraw and follow the tenant's referrals; comment on them.
        ReferralSend => "referral:send",
        /// Answer referrals received by the tenant: accept, decline, record the outcome.
        ReferralReceive => "referral:receive",
        /// Send a referral without a matching consent, with a justification (audited).
        ReferralOverrideConsent => "referral:override_consent",
        /// Create, list and revoke one's own API tokens for the tenant (a token carries the role, never more).
        ApiTokenManage => "api_token:manage",
        /// See the tenant's events (and co-organised ones), their own attendees, tallies and participants.
        EventRead => "event:read",
        /// Plan and record events; record attendance, head-counts and participants.
        EventRecord => "event:record",
        /// See the tenant's outreach figures (counts only, no names).
        EventFigures => "event:figures",
    }
);

impl Permission {
    /// The object part (`member`).
    pub fn object(&self) -> &'static str {
        self.as_str().split_once(':').map_or("", |(o, _)| o)
    }

    /// The action part (`manage`).
    pub fn action(&self) -> &'static str {
        self.as_str().split_once(':').map_or("", |(_, a)| a)
    }

    /// The permission named by an object and an action, if it exists.
    pub fn from_parts(object: &str, action: &str) -> Option<Permission> {
        Permission::ALL.iter().copied().find(|p| p.object() == object && p.action() == action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_splits_into_object_and_action() {
        for p in Permission::ALL {
            assert!(!p.object().is_empty() && !p.action().is_empty(), "{p}");
            assert_eq!(Permission::from_parts(p.object(), p.action()), Some(*p));
        }
        assert_eq!(Permission::from_parts("member", "eat"), None);
    }
}
