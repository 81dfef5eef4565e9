//! The enforcer wrapper: decisions under a shared read lock, cached; the
//! role assignments reloaded (and the cache dropped) when their version in
//! the database moves; any error is a deny.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};

use casbin::{CoreApi, DefaultModel, Enforcer};
use relais_domain::Permission;
use relais_persistence::Db;
use thiserror::Error;

use crate::adapter::DbAdapter;
use crate::policy::{self, PolicyError, Rule};

/// The authorizer could not be built.
#[derive(Debug, Error)]
pub enum AuthzError {
    /// The policy file names an unknown role or permission.
    #[error("invalid role policy: {0}")]
    Policy(#[from] PolicyError),
    /// The Casbin model is malformed or the role assignments cannot be read.
    #[error("authorization setup failed: {0}")]
    Casbin(String),
}

/// Most cached decisions kept before the cache is emptied.
const CACHE_LIMIT: usize = 100_000;

type CacheKey = (String, String, Permission);

/// Answers "may this user do this in this domain?".
pub struct Authorizer {
    db: Db,
    model: String,
    rules: Vec<Rule>,
    enforcer: RwLock<Enforcer>,
    cache: RwLock<HashMap<CacheKey, bool>>,
    loaded_version: Arc<AtomicI64>,
    reload: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorizer").field("version", &self.loaded_version.load(Ordering::SeqCst)).finish()
    }
}

impl Authorizer {
    /// Builds the authorizer from the embedded model and policy.
    pub async fn load(db: Db) -> Result<Self, AuthzError> {
        Self::load_with(db, policy::MODEL, policy::POLICY).await
    }

    /// Builds the authorizer from a given model and policy (tests, checks).
    pub async fn load_with(db: Db, model: &str, policy_text: &str) -> Result<Self, AuthzError> {
        let rules = policy::parse(policy_text)?;
        let loaded_version = Arc::new(AtomicI64::new(-1));
        let enforcer = build(&db, model, &rules, &loaded_version).await?;
        Ok(Self {
            db,
            model: model.to_owned(),
            rules,
            enforcer: RwLock::new(enforcer),
            cache: RwLock::new(HashMap::new()),
            loaded_version,
            reload: tokio::sync::Mutex::new(()),
        })
    }

    /// The version of the role assignments the decisions are based on.
    pub fn loaded_version(&self) -> i64 {
        self.loaded_version.load(Ordering::SeqCst)
    }

    /// Reloads the role assignments if `current` (read from the database by
    /// the caller, in the same request) differs from the loaded version.
    pub async fn refresh(&self, current: i64) {
        if current == self.loaded_version() {
            return;
        }
        let _only_one = self.reload.lock().await;
        if current == self.loaded_version() {
            return;
        }
        let scratch = Arc::new(AtomicI64::new(-1));
        match build(&self.db, &self.model, &self.rules, &scratch).await {
            Ok(fresh) => {
                if let Ok(mut enforcer) = self.enforcer.write() {
                    *enforcer = fresh;
                }
                if let Ok(mut cache) = self.cache.write() {
                    cache.clear();
                }
                self.loaded_version.store(scratch.load(Ordering::SeqCst), Ordering::SeqCst);
                tracing::debug!(version = self.loaded_version(), "role assignments reloaded");
            }
            Err(err) => {
                // Keep deciding with what we have would be wrong after a revocation: deny everything.
                tracing::error!(error = %err, "role assignments could not be reloaded; denying until they can");
                if let Ok(mut cache) = self.cache.write() {
                    cache.clear();
                }
                self.loaded_version.store(-1, Ordering::SeqCst);
            }
        }
    }

    /// Whether `user_id` may have `permission` in `domain` (a tenant id or
    /// `network`). Deny by default; an enforcer error is a deny.
    pub fn is_allowed(&self, user_id: &str, domain: &str, permission: Permission) -> bool {
        if self.loaded_version() < 0 {
            return false;
        }
        let key = (user_id.to_owned(), domain.to_owned(), permission);
        if let Some(decision) = self.cache.read().ok().and_then(|c| c.get(&key).copied()) {
            return decision;
        }
        let decision = self.decide_uncached(user_id, domain, permission);
        if let Ok(mut cache) = self.cache.write() {
            if cache.len() >= CACHE_LIMIT {
                cache.clear();
            }
            cache.insert(key, decision);
        }
        decision
    }

    /// The decision without the cache (benchmarks compare both).
    pub fn decide_uncached(&self, user_id: &str, domain: &str, permission: Permission) -> bool {
        let Ok(enforcer) = self.enforcer.read() else { return false };
        match enforcer.enforce((user_id, domain, permission.object(), permission.action())) {
            Ok(decision) => decision,
            Err(err) => {
                tracing::warn!(error = %err, "authorization check failed; denied");
                false
            }
        }
    }
}

async fn build(db: &Db, model: &str, rules: &[Rule], version: &Arc<AtomicI64>) -> Result<Enforcer, AuthzError> {
    let model = DefaultModel::from_str(model).await.map_err(|e| AuthzError::Casbin(e.to_string()))?;
    let adapter = DbAdapter { db: db.clone(), rules: rules.to_vec(), loaded_version: version.clone() };
    Enforcer::new(model, adapter).await.map_err(|e| AuthzError::Casbin(e.to_string()))
}
