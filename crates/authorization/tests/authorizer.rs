//! Decisions of the Casbin authorizer over role assignments stored in the
//! database, on both backends.

use relais_authorization::Authorizer;
use relais_domain::role::NETWORK_DOMAIN;
use relais_domain::{MembershipStatus, NetworkRole, Permission, TenantRole};
use relais_persistence::models::{memberships, role_assignments};
use relais_persistence::{DbConnection, TenantScope};
use relais_test_support::{backend_tests_async, fixtures};

fn tenant(conn: &mut DbConnection, name: &str) -> TenantScope {
    fixtures::tenant(conn, name)
}

fn user(conn: &mut DbConnection, email: &str) -> String {
    fixtures::user(conn, email, None)
}

async fn current_version(db: &relais_persistence::Db) -> i64 {
    db.run(role_assignments::version).await.expect("version")
}

backend_tests_async! {
    async fn roles_decide_per_tenant_and_changes_apply_on_refresh(test: TestDb) {
        let db = test.db.clone();
        let mut conn = test.conn();
        let a = tenant(&mut conn, "A");
        let b = tenant(&mut conn, "B");
        let admin = user(&mut conn, "admin@example.org");
        let member = memberships::create(&mut conn, &a, &admin, TenantRole::TenantAdmin, MembershipStatus::Active, relais_persistence::now())
            .expect("membership");
        let volunteer = user(&mut conn, "vol@example.org");
        memberships::create(&mut conn, &a, &volunteer, TenantRole::Volunteer, MembershipStatus::Active, relais_persistence::now()).expect("m");
        let net = user(&mut conn, "net@example.org");
        role_assignments::grant_network_role(&mut conn, &net, NetworkRole::NetworkAdmin).expect("grant");
        drop(conn);

        let authz = Authorizer::load(db.clone()).await.expect("authorizer");
        let (ta, tb) = (a.tenant_id().to_string(), b.tenant_id().to_string());
        assert!(authz.is_allowed(&admin, &ta, Permission::MemberManage));
        assert!(!authz.is_allowed(&admin, &tb, Permission::MemberManage), "no role in B");
        assert!(!authz.is_allowed(&volunteer, &ta, Permission::MemberManage));
        assert!(!authz.is_allowed(&volunteer, &ta, Permission::AuditRead));
        assert!(authz.is_allowed(&net, NETWORK_DOMAIN, Permission::TenantManage));
        assert!(!authz.is_allowed(&net, &ta, Permission::MemberRead), "network role does not reach tenant data");
        assert!(!authz.is_allowed(&admin, NETWORK_DOMAIN, Permission::TenantManage));

        // Disable the admin: the version moves, and after refresh the decision changes.
        let before = authz.loaded_version();
        let mut conn = test.conn();
        memberships::update(&mut conn, &a, &member.id, TenantRole::TenantAdmin, MembershipStatus::Disabled, relais_persistence::now()).expect("disable");
        drop(conn);
        let now = current_version(&db).await;
        assert!(now > before);
        assert!(authz.is_allowed(&admin, &ta, Permission::MemberManage), "cached until refresh");
        authz.refresh(now).await;
        assert!(!authz.is_allowed(&admin, &ta, Permission::MemberManage));
        assert_eq!(authz.loaded_version(), now);
    }
}
