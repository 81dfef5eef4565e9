//! Who runs a command. Every command takes an [`Actor`]; the audit row it
//! writes records who it was (user id and kind), and permission checks that
//! belong to the use case (not to a route) ask it.

use relais_domain::{ActorKind, Permission, ReferralId, TenantRole, UserId};
use relais_persistence::TenantScope;

use crate::error::{AppError, AppResult};

/// A set of permissions (those a role grants in one tenant, or in the network).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Permissions(u64);

impl Permissions {
    /// The permissions for which `allowed` answers true.
    pub fn from_fn(mut allowed: impl FnMut(Permission) -> bool) -> Self {
        let mut bits = 0u64;
        for (i, p) in Permission::ALL.iter().enumerate() {
            if allowed(*p) {
                bits |= 1 << i;
            }
        }
        Self(bits)
    }

    /// Every permission (system jobs, tests).
    pub fn all() -> Self {
        Self::from_fn(|_| true)
    }

    /// Whether the set holds `permission`.
    pub fn has(&self, permission: Permission) -> bool {
        Permission::ALL.iter().position(|p| *p == permission).is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// What a role (a tenant or a network role, by its code) grants by the
    /// role policies shipped with Relais (`config/casbin/policy.csv`), for
    /// actors built outside a request (tests, command-line tasks); requests
    /// use the enforcer. A policy that does not parse grants nothing (it is
    /// also checked at start).
    pub fn of_role(role: &str) -> Self {
        match relais_authorization::policy::parse(relais_authorization::policy::POLICY) {
            Ok(rules) => Self::from_fn(|p| rules.iter().any(|r| r.role == role && r.permission == p)),
            Err(_) => Self::default(),
        }
    }
}

/// A member working in one tenant: a signed-in user with an active
/// membership there (checked by whoever built this), or an API token.
#[derive(Debug, Clone)]
pub struct Member {
    /// The user.
    pub user_id: UserId,
    /// The tenant they work in.
    pub scope: TenantScope,
    /// Their role there.
    pub role: TenantRole,
    /// What their role allows there.
    pub permissions: Permissions,
}

impl Member {
    /// Whether their role allows `permission` in the tenant.
    pub fn may(&self, permission: Permission) -> bool {
        self.permissions.has(permission)
    }

    /// `Forbidden` unless their role allows `permission`.
    pub fn require(&self, permission: Permission) -> AppResult<()> {
        if self.may(permission) { Ok(()) } else { Err(AppError::Forbidden) }
    }
}

/// A scheduled job or command-line task acting as the platform itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemJob {
    /// Referral reminders, escalations and expiry.
    ReferralDeadlines,
    /// Daily digests.
    Digests,
    /// Removal of ended sessions.
    SessionSweep,
    /// `relais admin …` on the command line.
    Cli,
    /// `relais demo` building its network.
    Demo,
}

impl SystemJob {
    /// The name recorded with the audit event.
    pub fn as_str(&self) -> &'static str {
        match self {
            SystemJob::ReferralDeadlines => "referral_deadlines",
            SystemJob::Digests => "digests",
            SystemJob::SessionSweep => "session_sweep",
            SystemJob::Cli => "cli",
            SystemJob::Demo => "demo",
        }
    }
}

/// Who acts.
#[derive(Debug, Clone)]
pub enum Acting {
    /// A member in their active tenant.
    Member(Member),
    /// A user with a network role (network administration), outside any tenant.
    Network {
        /// The user.
        user_id: UserId,
        /// What their network role allows.
        permissions: Permissions,
    },
    /// A signed-in user acting on their own account (password, preferences),
    /// or a user completing an invitation.
    User(UserId),
    /// Nobody signed in (sign-in attempts, reset requests).
    Anonymous,
    /// An organisation without an account, through the link of one referral.
    ExternalLink(ReferralId),
    /// The platform itself.
    System(SystemJob),
}

/// Who acts, and the request that carried it (for correlation with traces).
#[derive(Debug, Clone)]
pub struct Actor {
    /// Who.
    pub acting: Acting,
    /// The request id, if the command came from a request.
    pub request_id: Option<String>,
}

impl Actor {
    /// A member, from a request.
    pub fn member(member: Member, request_id: impl Into<String>) -> Self {
        Self { acting: Acting::Member(member), request_id: Some(request_id.into()).filter(|r| !r.is_empty()) }
    }

    /// Any other kind of actor, from a request.
    pub fn new(acting: Acting, request_id: impl Into<String>) -> Self {
        Self { acting, request_id: Some(request_id.into()).filter(|r| !r.is_empty()) }
    }

    /// A system job (no request).
    pub fn system(job: SystemJob) -> Self {
        Self { acting: Acting::System(job), request_id: None }
    }

    /// The member acting, or `Forbidden` for any other kind of actor.
    pub fn as_member(&self) -> AppResult<&Member> {
        match &self.acting {
            Acting::Member(m) => Ok(m),
            _ => Err(AppError::Forbidden),
        }
    }

    /// The user acting, if a user acts.
    pub fn user_id(&self) -> Option<UserId> {
        match &self.acting {
            Acting::Member(m) => Some(m.user_id),
            Acting::Network { user_id, .. } | Acting::User(user_id) => Some(*user_id),
            Acting::Anonymous | Acting::ExternalLink(_) | Acting::System(_) => None,
        }
    }

    /// The kind recorded with audit events.
    pub fn kind(&self) -> ActorKind {
        match &self.acting {
            Acting::Member(_) | Acting::Network { .. } | Acting::User(_) => ActorKind::User,
            Acting::Anonymous => ActorKind::Anonymous,
            Acting::ExternalLink(_) => ActorKind::ExternalLink,
            Acting::System(_) => ActorKind::System,
        }
    }

    /// `Forbidden` unless a network user whose role allows `permission`.
    pub fn require_network(&self, permission: Permission) -> AppResult<UserId> {
        match &self.acting {
            Acting::Network { user_id, permissions } if permissions.has(permission) => Ok(*user_id),
            _ => Err(AppError::Forbidden),
        }
    }
}
