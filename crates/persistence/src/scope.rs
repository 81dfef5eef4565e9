//! The tenant scope: the proof, carried by value, that the caller works
//! inside one tenant. Every query function over tenant-owned rows takes one
//! and filters on its tenant id; there is no other way to reach those rows.

use relais_domain::TenantId;

/// Work inside one tenant.
///
/// The web layer obtains a scope from [`crate::models::memberships::scope_for_member`],
/// which checks that the user holds an active membership in an active tenant.
/// Background jobs and the network administration (which acts on a tenant
/// without being a member of it) use [`TenantScope::for_system`], whose name
/// makes every such use visible in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantScope {
    tenant_id: TenantId,
}

impl TenantScope {
    pub(crate) fn member(tenant_id: TenantId) -> Self {
        Self { tenant_id }
    }

    /// A scope for work that is not done on behalf of a member: scheduled
    /// jobs, the network administrator's tenant management, the demo builder.
    pub fn for_system(tenant_id: TenantId) -> Self {
        Self { tenant_id }
    }

    /// The tenant this scope is limited to.
    pub fn tenant_id(&self) -> TenantId {
        self.tenant_id
    }

    /// The tenant id as stored (text), for query filters.
    pub(crate) fn key(&self) -> String {
        self.tenant_id.to_string()
    }
}
