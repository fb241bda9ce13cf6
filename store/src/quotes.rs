//! Saved quotes: storage only. Quotes belong to the operator (sales staff and
//! operator admins), not to a tenant.

use chrono::NaiveDate;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;
use crate::db::{Db, internal};
use crate::now_secs;
use model::quotes::{QuoteListing, SavedQuote, quote_number};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Clone)]
pub struct Quotes {
    db: Db,
}

/// A verified quote to store.
pub struct NewQuote<'a, F> {
    /// The form as typed; `prospect` is its prospect's name.
    pub form: &'a F,
    pub prospect: &'a str,
    pub total: i64,
    pub catalogue_version: &'a str,
    pub issue_date: NaiveDate,
    pub valid_until: NaiveDate,
    pub created_by: i64,
}

const LISTING_COLUMNS: &str =
    "q.id, q.prospect, q.total, q.issue_date, q.valid_until, u.username AS created_by";

fn date(row: &AnyRow, column: &str) -> Result<NaiveDate, StoreError> {
    let text: String = row.try_get(column).map_err(internal)?;
    text.parse().map_err(|e| {
        tracing::error!(column, text, error = %e, "unreadable date in the quotes table");
        StoreError::Internal
    })
}

fn listing_from_row(row: &AnyRow) -> Result<QuoteListing, StoreError> {
    let id: i64 = row.try_get("id").map_err(internal)?;
    let issue_date = date(row, "issue_date")?;
    Ok(QuoteListing {
        id,
        number: quote_number(id, issue_date),
        prospect: row.try_get("prospect").map_err(internal)?,
        total: row.try_get("total").map_err(internal)?,
        issue_date,
        valid_until: date(row, "valid_until")?,
        created_by: row.try_get("created_by").map_err(internal)?,
    })
}

impl Quotes {
    pub fn new(db: Db) -> Self {
        Quotes { db }
    }

    pub async fn insert<F: Serialize>(
        &self,
        new: NewQuote<'_, F>,
    ) -> Result<QuoteListing, StoreError> {
        let form_json = serde_json::to_string(new.form).map_err(|e| {
            tracing::error!(error = %e, "quote form not serialisable");
            StoreError::Internal
        })?;
        let row = sqlx::query(
            "INSERT INTO quotes (prospect, form_json, total, catalogue_version, issue_date, valid_until, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(new.prospect.trim())
        .bind(form_json)
        .bind(new.total)
        .bind(new.catalogue_version)
        .bind(new.issue_date.to_string())
        .bind(new.valid_until.to_string())
        .bind(new.created_by)
        .bind(now_secs())
        .fetch_one(self.db.pool())
        .await
        .map_err(internal)?;
        let id: i64 = row.try_get("id").map_err(internal)?;
        let row = sqlx::query(&format!(
            "SELECT {LISTING_COLUMNS} FROM quotes q JOIN users u ON u.id = q.created_by WHERE q.id = $1"
        ))
        .bind(id)
        .fetch_one(self.db.pool())
        .await
        .map_err(internal)?;
        listing_from_row(&row)
    }

    /// Newest first.
    pub async fn list(&self) -> Result<Vec<QuoteListing>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {LISTING_COLUMNS} FROM quotes q JOIN users u ON u.id = q.created_by ORDER BY q.id DESC LIMIT 500"
        ))
        .fetch_all(self.db.pool())
        .await
        .map_err(internal)?;
        rows.iter().map(listing_from_row).collect()
    }

    pub async fn get<F: DeserializeOwned>(&self, id: i64) -> Result<SavedQuote<F>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {LISTING_COLUMNS}, q.form_json, q.catalogue_version FROM quotes q JOIN users u ON u.id = q.created_by WHERE q.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(internal)?
        .ok_or(StoreError::NotFound)?;
        let form_json: String = row.try_get("form_json").map_err(internal)?;
        let form = serde_json::from_str(&form_json).map_err(|e| {
            tracing::error!(id, error = %e, "unreadable saved quote form");
            StoreError::Internal
        })?;
        Ok(SavedQuote {
            listing: listing_from_row(&row)?,
            form,
            catalogue_version: row.try_get("catalogue_version").map_err(internal)?,
        })
    }
}
