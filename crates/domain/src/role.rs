//! Roles. Tenant roles are held in one tenant; network roles in the domain
//! `network` (DESIGN §4, Authorization).

use crate::codes::code_enum;

/// The Casbin domain that holds network-level roles.
pub const NETWORK_DOMAIN: &str = "network";

code_enum!(
    /// A role held in one tenant.
    TenantRole, "tenant role" {
        /// Manages the tenant's members and settings.
        TenantAdmin => "tenant_admin",
        /// Keeps case files, sends and answers referrals.
        Caseworker => "caseworker",
        /// Registers people and attendance, drafts referrals; no documents, no confidential notes, no exports.
        Volunteer => "volunteer",
        /// Tenant monitoring and evaluation: aggregates only.
        Viewer => "viewer",
    }
);

code_enum!(
    /// A role held across the whole network.
    NetworkRole, "network role" {
        /// Onboards tenants, manages the logframe, reads network aggregates.
        NetworkAdmin => "network_admin",
        /// Donor or M&E: network aggregates only.
        NetworkViewer => "network_viewer",
    }
);

code_enum!(
    /// Where a membership stands.
    MembershipStatus, "membership status" {
        /// Invited; the invitation has not been accepted yet.
        Invited => "invited",
        /// Works in the tenant.
        Active => "active",
        /// Disabled by a tenant administrator; may no longer work in the tenant.
        Disabled => "disabled",
    }
);
