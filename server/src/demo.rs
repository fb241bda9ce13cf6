//! Demo data: two tenants and one user per role, so a new user can look around at once.

use model::NewUser;
use model::Role;
use store::StoreError;
use store::{Accounts, password::generate_password};

pub const DEMO_TENANT: &str = "デモ製作所 (Demo Manufacturing)";
pub const OTHER_TENANT: &str = "Other Plant Co.";

pub struct DemoAccount {
    pub username: &'static str,
    pub password: String,
    pub role: Role,
    pub tenant: Option<&'static str>,
}

/// Creates the demo tenants and users if missing and sets their passwords
/// (fresh random ones unless a fixed one is given), returning them for printing.
pub async fn seed(
    accounts: &Accounts,
    fixed_password: Option<&str>,
) -> Result<Vec<DemoAccount>, StoreError> {
    let mut tenant_ids = Vec::new();
    for name in [DEMO_TENANT, OTHER_TENANT] {
        let tenant = match accounts.find_tenant_by_name(name).await? {
            Some(t) => t,
            None => accounts.create_tenant(name).await?,
        };
        tenant_ids.push((name, tenant.id));
    }
    let tenant_id = |name: &str| {
        tenant_ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| *id)
    };
    let plan: [(&str, &str, Role, Option<&'static str>); 5] = [
        ("admin", "運用管理者 Admin", Role::OperatorAdmin, None),
        ("sales", "営業 Sales", Role::Sales, None),
        (
            "customer-admin",
            "工場管理者 Plant admin",
            Role::CustomerAdmin,
            Some(DEMO_TENANT),
        ),
        (
            "customer-viewer",
            "工場閲覧者 Plant viewer",
            Role::CustomerViewer,
            Some(DEMO_TENANT),
        ),
        (
            "other-admin",
            "他社管理者 Other admin",
            Role::CustomerAdmin,
            Some(OTHER_TENANT),
        ),
    ];
    let mut out = Vec::new();
    for (username, display_name, role, tenant) in plan {
        let password = fixed_password
            .map(str::to_owned)
            .unwrap_or_else(generate_password);
        accounts
            .ensure_user_with_password(&NewUser {
                username: username.to_owned(),
                display_name: display_name.to_owned(),
                password: password.clone(),
                role,
                tenant_id: tenant.and_then(tenant_id),
            })
            .await?;
        out.push(DemoAccount {
            username,
            password,
            role,
            tenant,
        });
    }
    Ok(out)
}
