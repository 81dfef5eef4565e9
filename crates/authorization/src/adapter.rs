//! Our Casbin adapter: role → permission rules from the embedded policy
//! file, role assignments (`g` rules) from the `casbin_rule` table through
//! the Relais pool. Writes never go through Casbin: role assignments are
//! changed by persistence functions, in the same transaction as the change
//! that causes them.

use async_trait::async_trait;
use casbin::{Adapter, Filter, Model};
use relais_persistence::Db;
use relais_persistence::models::role_assignments;

use crate::policy::Rule;

pub(crate) struct DbAdapter {
    pub(crate) db: Db,
    pub(crate) rules: Vec<Rule>,
    /// The version of the role assignments last loaded.
    pub(crate) loaded_version: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

fn read_only() -> casbin::Error {
    casbin::Error::AdapterError(casbin::error::AdapterError(
        "role assignments are changed through relais-persistence, not through Casbin".into(),
    ))
}

#[async_trait]
impl Adapter for DbAdapter {
    async fn load_policy(&mut self, m: &mut dyn Model) -> casbin::Result<()> {
        for rule in &self.rules {
            m.add_policy(
                "p",
                "p",
                vec![rule.role.to_owned(), rule.permission.object().to_owned(), rule.permission.action().to_owned()],
            );
        }
        let (version, groupings) = self
            .db
            .run(role_assignments::load_all)
            .await
            .map_err(|e| casbin::Error::AdapterError(casbin::error::AdapterError(Box::new(e))))?;
        let rules: Vec<Vec<String>> = groupings.into_iter().map(|g| vec![g.user_id, g.role, g.domain]).collect();
        m.add_policies("g", "g", rules);
        self.loaded_version.store(version, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    async fn load_filtered_policy<'a>(&mut self, m: &mut dyn Model, _f: Filter<'a>) -> casbin::Result<()> {
        self.load_policy(m).await
    }

    async fn save_policy(&mut self, _m: &mut dyn Model) -> casbin::Result<()> {
        Err(read_only())
    }

    async fn clear_policy(&mut self) -> casbin::Result<()> {
        Err(read_only())
    }

    fn is_filtered(&self) -> bool {
        false
    }

    async fn add_policy(&mut self, _sec: &str, _ptype: &str, _rule: Vec<String>) -> casbin::Result<bool> {
        Err(read_only())
    }

    async fn add_policies(&mut self, _sec: &str, _ptype: &str, _rules: Vec<Vec<String>>) -> casbin::Result<bool> {
        Err(read_only())
    }

    async fn remove_policy(&mut self, _sec: &str, _ptype: &str, _rule: Vec<String>) -> casbin::Result<bool> {
        Err(read_only())
    }

    async fn remove_policies(&mut self, _sec: &str, _ptype: &str, _rules: Vec<Vec<String>>) -> casbin::Result<bool> {
        Err(read_only())
    }

    async fn remove_filtered_policy(
        &mut self,
        _sec: &str,
        _ptype: &str,
        _field_index: usize,
        _field_values: Vec<String>,
    ) -> casbin::Result<bool> {
        Err(read_only())
    }
}
