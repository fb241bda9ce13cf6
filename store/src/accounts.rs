//! Tenants and users: storage and the login check.

use std::sync::Arc;

use sqlx::Row;

use crate::StoreError;
use crate::db::{Db, internal, is_unique_violation};
use crate::now_secs;
use crate::password::{dummy_hash, hash_password, validate_new_password, verify_password};
use crate::sessions::session_user_from_row;
use crate::throttle::Throttle;
use model::{NewUser, Tenant, UserSummary};
use model::{Role, SessionUser};

/// Which users a listing may show: the scope always comes from the session.
#[derive(Debug, Clone, Copy)]
pub enum UserScope {
    All,
    Tenant(i64),
}

#[derive(Clone)]
pub struct Accounts {
    db: Db,
    throttle: Arc<Throttle>,
}

const USER_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, u.tenant_id, t.name AS tenant_name";

impl Accounts {
    pub fn new(db: Db, throttle: Arc<Throttle>) -> Self {
        Accounts { db, throttle }
    }

    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<SessionUser, StoreError> {
        let now = now_secs();
        let username = username.trim();
        if self.throttle.is_blocked(username, address, now) {
            tracing::warn!(username, address, "login throttled");
            return Err(StoreError::Throttled);
        }
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.username = $1"
        ))
        .bind(username)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?;
        let verified = match &row {
            Some(row) => {
                let hash: String = row.try_get("password_hash").map_err(internal)?;
                verify_password(password, &hash)
            }
            None => {
                // Same work as a real check so timing does not reveal unknown users.
                let _ = verify_password(password, dummy_hash());
                false
            }
        };
        match row {
            Some(row) if verified => {
                self.throttle.record_success(username);
                tracing::info!(username, "login");
                session_user_from_row(&row)
            }
            _ => {
                self.throttle.record_failure(username, address, now);
                tracing::info!(username, address, "login failed");
                Err(StoreError::BadCredentials)
            }
        }
    }

    pub async fn create_tenant(&self, name: &str) -> Result<Tenant, StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(StoreError::invalid("name", "must be 1 to 200 characters"));
        }
        let now = now_secs();
        let row =
            sqlx::query("INSERT INTO tenants (name, created_at) VALUES ($1, $2) RETURNING id")
                .bind(name)
                .bind(now)
                .fetch_one(self.db.pool())
                .await
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::invalid("name", "a tenant with this name exists")
                    } else {
                        internal(e)
                    }
                })?;
        Ok(Tenant {
            id: row.try_get("id").map_err(internal)?,
            name: name.to_owned(),
            created_at: now,
        })
    }

    pub async fn find_tenant_by_name(&self, name: &str) -> Result<Option<Tenant>, StoreError> {
        let row = sqlx::query("SELECT id, name, created_at FROM tenants WHERE name = $1")
            .bind(name)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        row.map(|r| tenant_from_row(&r)).transpose()
    }

    pub async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let rows = sqlx::query("SELECT id, name, created_at FROM tenants ORDER BY id")
            .fetch_all(self.db.pool())
            .await
            .map_err(internal)?;
        rows.iter().map(tenant_from_row).collect()
    }

    pub async fn tenant(&self, id: i64) -> Result<Tenant, StoreError> {
        let row = sqlx::query("SELECT id, name, created_at FROM tenants WHERE id = $1")
            .bind(id)
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?
            .ok_or(StoreError::NotFound)?;
        tenant_from_row(&row)
    }

    pub async fn create_user(&self, new: &NewUser) -> Result<UserSummary, StoreError> {
        let username = new.username.trim();
        let valid_name = !username.is_empty()
            && username.len() <= 64
            && username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
        if !valid_name {
            return Err(StoreError::invalid(
                "username",
                "1 to 64 characters: letters, digits, - _ . @",
            ));
        }
        let display_name = new.display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            return Err(StoreError::invalid(
                "display_name",
                "must be 1 to 100 characters",
            ));
        }
        validate_new_password(&new.password)?;
        match (new.role.is_customer(), new.tenant_id) {
            (true, None) => {
                return Err(StoreError::invalid(
                    "tenant",
                    "a customer user needs a tenant",
                ));
            }
            (false, Some(_)) => {
                return Err(StoreError::invalid(
                    "tenant",
                    "operator staff belong to no tenant",
                ));
            }
            (true, Some(id)) => {
                self.tenant(id)
                    .await
                    .map_err(|_| StoreError::invalid("tenant", "no such tenant"))?;
            }
            (false, None) => {}
        }
        let hash = hash_password(&new.password)?;
        let row = sqlx::query(
            "INSERT INTO users (tenant_id, username, display_name, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.tenant_id)
        .bind(username)
        .bind(display_name)
        .bind(new.role.as_str())
        .bind(hash)
        .bind(now_secs())
        .fetch_one(self.db.pool())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::invalid("username", "already taken")
            } else {
                internal(e)
            }
        })?;
        let id: i64 = row.try_get("id").map_err(internal)?;
        self.user(id).await
    }

    pub async fn user(&self, id: i64) -> Result<UserSummary, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        user_summary_from_row(&row)
    }

    pub async fn list_users(&self, scope: UserScope) -> Result<Vec<UserSummary>, StoreError> {
        let rows = match scope {
            UserScope::All => sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id ORDER BY u.id"
            ))
            .fetch_all(self.db.pool())
            .await,
            UserScope::Tenant(tenant_id) => sqlx::query(&format!(
                "SELECT {USER_COLUMNS} FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.tenant_id = $1 ORDER BY u.id"
            ))
            .bind(tenant_id)
            .fetch_all(self.db.pool())
            .await,
        }
        .map_err(internal)?;
        rows.iter().map(user_summary_from_row).collect()
    }

    pub async fn count_operator_admins(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = $1")
            .bind(Role::OperatorAdmin.as_str())
            .fetch_one(self.db.pool())
            .await
            .map_err(internal)?;
        row.try_get("n").map_err(internal)
    }

    /// Sets a user's password, creating the user if missing (used for demo accounts).
    pub async fn ensure_user_with_password(
        &self,
        new: &NewUser,
    ) -> Result<UserSummary, StoreError> {
        let existing = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(new.username.trim())
            .fetch_optional(self.db.pool())
            .await
            .map_err(internal)?;
        match existing {
            None => self.create_user(new).await,
            Some(row) => {
                let id: i64 = row.try_get("id").map_err(internal)?;
                validate_new_password(&new.password)?;
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(hash_password(&new.password)?)
                    .bind(id)
                    .execute(self.db.pool())
                    .await
                    .map_err(internal)?;
                self.user(id).await
            }
        }
    }
}

fn tenant_from_row(row: &sqlx::any::AnyRow) -> Result<Tenant, StoreError> {
    Ok(Tenant {
        id: row.try_get("id").map_err(internal)?,
        name: row.try_get("name").map_err(internal)?,
        created_at: row.try_get("created_at").map_err(internal)?,
    })
}

fn user_summary_from_row(row: &sqlx::any::AnyRow) -> Result<UserSummary, StoreError> {
    let user = session_user_from_row(row)?;
    Ok(UserSummary {
        id: user.user_id,
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        tenant_id: user.tenant_id,
        tenant_name: user.tenant_name,
    })
}
