//! Tenants and users as listed and created.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::invalid::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub tenant_id: Option<i64>,
    pub tenant_name: Option<String>,
}

/// A user to create; parsed from the form at the edge.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub tenant_id: Option<i64>,
}

impl NewUser {
    /// Turns form fields into a user; `tenant` is empty for operator staff.
    pub fn parse(
        username: String,
        display_name: String,
        password: String,
        role: &str,
        tenant: &str,
    ) -> Result<NewUser, Invalid> {
        let role = Role::parse(role).ok_or_else(|| Invalid::new("role", "unknown role"))?;
        let tenant_id = match tenant.trim() {
            "" => None,
            id => Some(
                id.parse::<i64>()
                    .map_err(|_| Invalid::new("tenant", "not a tenant id"))?,
            ),
        };
        Ok(NewUser {
            username,
            display_name,
            password,
            role,
            tenant_id,
        })
    }
}
