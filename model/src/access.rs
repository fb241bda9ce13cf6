//! Roles, the areas of the product, and the one rule saying which role may
//! use which area.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The operator's administrators: tenants, users, sensors, tariff.
    OperatorAdmin,
    /// The operator's sales staff: quotes.
    Sales,
    /// A customer's administrator, bound to one tenant.
    CustomerAdmin,
    /// A customer's read-only user, bound to one tenant.
    CustomerViewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::OperatorAdmin,
        Role::Sales,
        Role::CustomerAdmin,
        Role::CustomerViewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::OperatorAdmin => "operator_admin",
            Role::Sales => "sales",
            Role::CustomerAdmin => "customer_admin",
            Role::CustomerViewer => "customer_viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Customer roles belong to exactly one tenant; operator roles to none.
    pub fn is_customer(self) -> bool {
        matches!(self, Role::CustomerAdmin | Role::CustomerViewer)
    }
}

/// What a user may use. Pages belong to one of the first three; the others
/// are actions inside an area that not every role of it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The customer portal: reading the tenant's data.
    Portal,
    /// Changing the tenant's own data from the portal (capture uploads).
    PortalManage,
    /// The quote simulator and saved quotes.
    Quotes,
    /// Administration: tenants, users, sensors, contracts.
    Admin,
}

impl Area {
    /// The single place that says which role may use which area.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Area::Portal => role.is_customer(),
            Area::PortalManage => role == Role::CustomerAdmin,
            Area::Quotes => matches!(role, Role::Sales | Role::OperatorAdmin),
            Area::Admin => role == Role::OperatorAdmin,
        }
    }
}

/// The signed-in user, as the session row says (never the request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
}

impl SessionUser {
    /// May this user use `area`?
    pub fn may(&self, area: Area) -> bool {
        area.allows(self.role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_their_serde_names_and_parse_back() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).expect("serialisable");
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_customer_admins_manage_portal_data() {
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| Area::PortalManage.allows(*r))
            .collect();
        assert_eq!(managers, [Role::CustomerAdmin]);
        for role in Role::ALL {
            // Managing implies reading.
            assert!(!Area::PortalManage.allows(role) || Area::Portal.allows(role));
        }
    }
}
