//! Quotes: the simulator's model (form, monthly table, chart, printed sheet)
//! and the server functions that save and reopen quotes.
//!
//! The engine runs in the browser on every change; saving is the only time a
//! quote goes to the server, which recomputes it with the same engine and
//! refuses figures that differ from its own.

pub mod chart;
pub mod form;
pub mod table;

use leptos::prelude::*;
use model::JsonText;

use crate::error::AppError;
pub use form::QuoteForm;
pub use table::QuoteFigures;

/// The tariff quotes are computed with, on both sides (one catalogue version
/// so far; a saved quote records the version it used).
pub static TARIFF: std::sync::LazyLock<contract::Tariff> =
    std::sync::LazyLock::new(contract::Tariff::standard);

/// Days a printed quote stays valid after its issue date.
pub const VALIDITY_DAYS: i64 = 30;

pub use model::quotes::{QuoteListing, quote_number};

/// A saved quote with the simulator's form it was made from.
pub type SavedQuote = model::quotes::SavedQuote<QuoteForm>;

/// Today in Japan, where contracts are dated.
#[cfg(feature = "ssr")]
pub fn today_in_japan() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(9)).date_naive()
}

/// A fresh form dated today (Japan), for a new scenario.
#[server(endpoint = "quotes/defaults")]
pub async fn quote_defaults() -> Result<JsonText<QuoteForm>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Quotes).await?;
            encoded(&QuoteForm::starter(today_in_japan()))
        }
        .await,
    )
}

/// Saves a quote after recomputing it: the figures the browser shows must be
/// the server's to the yen, or nothing is saved.
#[server(endpoint = "quotes/save", input = leptos::server_fn::codec::Json)]
pub async fn save_quote(form: QuoteForm, figures: QuoteFigures) -> Result<QuoteListing, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let user = require_area(crate::auth::Area::Quotes).await?;
            let prospect = form.prospect.trim();
            if prospect.is_empty() {
                return Err(AppError::invalid(
                    "prospect",
                    "a prospect name is needed to save a quote",
                ));
            }
            let (_, quote) = form.compute(&TARIFF).map_err(|errors| {
                let first = &errors[0];
                AppError::invalid(&first.field, first.message(crate::i18n::Lang::En))
            })?;
            let ours = QuoteFigures::of(&quote);
            if let Some(difference) = figures.first_difference(&ours) {
                tracing::warn!(by = user.username, %difference, "quote figures refused");
                return Err(AppError::invalid(
                    "figures",
                    format!("the figures sent differ from the server's computation ({difference})"),
                ));
            }
            let issue_date = today_in_japan();
            let saved = server_state()?
                .quotes
                .insert(store::quotes::NewQuote {
                    form: &form,
                    prospect,
                    total: quote.totals.total.0,
                    catalogue_version: &quote.catalogue_version,
                    issue_date,
                    valid_until: issue_date + chrono::Duration::days(VALIDITY_DAYS),
                    created_by: user.user_id,
                })
                .await?;
            tracing::info!(by = user.username, number = saved.number, "quote saved");
            Ok(saved)
        }
        .await,
    )
}

#[server(endpoint = "quotes/list")]
pub async fn list_quotes() -> Result<JsonText<Vec<QuoteListing>>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Quotes).await?;
            encoded(&server_state()?.quotes.list().await?)
        }
        .await,
    )
}

#[server(endpoint = "quotes/get")]
pub async fn get_quote(id: i64) -> Result<JsonText<SavedQuote>, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Quotes).await?;
            encoded(&server_state()?.quotes.get(id).await?)
        }
        .await,
    )
}
