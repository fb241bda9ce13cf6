//! Customers' real contracts: recorded by operator admins with the
//! simulator's form, and shown to the customer with invoices computed by the
//! same engine, on the server.

use chrono::{Datelike, NaiveDate};
use contract::{ContractDescription, Horizon, Quote};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::quotes::TARIFF;
use crate::quotes::form::{FieldError, QuoteForm};

/// A tenant's contract as recorded, with the simulator's form.
pub type RecordedContract = model::contracts::RecordedContract<QuoteForm>;

/// What the admin edits: the recorded contract, or a fresh form to start one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractDraft {
    pub recorded: Option<RecordedContract>,
    pub starter: QuoteForm,
}

/// What a customer sees: the contract and its invoices through `as_of`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractStatement {
    pub tenant_name: String,
    pub as_of: NaiveDate,
    pub description: ContractDescription,
    pub quote: Quote,
}

/// The description of a recorded contract as billed through the charge month
/// of `as_of` (or through its first charge month, when nothing has opened
/// yet). The form's horizon and damage scenario are quoting tools, not part
/// of a contract, and are ignored.
pub fn statement_description(
    form: &QuoteForm,
    as_of: NaiveDate,
) -> Result<ContractDescription, Vec<FieldError>> {
    let mut description = form.parse()?.description;
    description.damage = None;
    let first_opening = description
        .sensors
        .iter()
        .map(|s| s.opening)
        .min()
        .unwrap_or(as_of);
    let through = as_of.max(first_opening);
    let end_of_month = NaiveDate::from_ymd_opt(through.year(), through.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(through);
    description.horizon = Horizon::Until(end_of_month);
    Ok(description)
}

/// Validates a contract to record: the engine must accept it as a whole.
pub fn check_contract(form: &QuoteForm, as_of: NaiveDate) -> Result<ContractDescription, AppError> {
    let first_problem = |errors: Vec<FieldError>| {
        let e = &errors[0];
        AppError::invalid(&e.field, e.message(crate::i18n::Lang::En))
    };
    let description = statement_description(form, as_of).map_err(first_problem)?;
    contract::quote(&description, &TARIFF).map_err(|e| {
        let key = crate::quotes::form::form_key_of(&e, &[]);
        AppError::invalid(&key, e.to_string())
    })?;
    Ok(description)
}

#[server(endpoint = "admin/get_contract")]
pub async fn get_contract(tenant_id: i64) -> Result<ContractDraft, AppError> {
    use crate::ssr::*;
    respond(
        async {
            require_area(crate::auth::Area::Admin).await?;
            let state = server_state()?;
            let tenant = state.accounts.tenant(tenant_id).await?;
            let mut starter = QuoteForm::starter(crate::quotes::today_in_japan());
            starter.prospect = tenant.name;
            Ok(ContractDraft {
                recorded: state.contracts.get(tenant_id).await?,
                starter,
            })
        }
        .await,
    )
}

#[server(endpoint = "admin/save_contract", input = leptos::server_fn::codec::Json)]
pub async fn save_contract(tenant_id: i64, form: QuoteForm) -> Result<RecordedContract, AppError> {
    use crate::ssr::*;
    respond(
        async {
            let admin = require_area(crate::auth::Area::Admin).await?;
            let state = server_state()?;
            let tenant = state.accounts.tenant(tenant_id).await?;
            check_contract(&form, crate::quotes::today_in_japan())?;
            let saved = state
                .contracts
                .save(tenant_id, &form, admin.user_id)
                .await?;
            tracing::info!(
                by = admin.username,
                tenant = tenant.name,
                "contract recorded"
            );
            Ok(saved)
        }
        .await,
    )
}

/// The signed-in customer's contract and invoices to date; `None` before the
/// operator has recorded one.
#[server(endpoint = "portal/contract")]
pub async fn portal_contract() -> Result<Option<ContractStatement>, AppError> {
    crate::ssr::respond(customer_statement().await)
}

/// [`portal_contract`] as HTML in `lang`, as the portal shows it: the browser
/// gets the figures without the engine's types and tables.
#[server(endpoint = "portal/statement")]
pub async fn portal_statement(lang: crate::i18n::Lang) -> Result<Option<String>, AppError> {
    crate::ssr::respond(statement_html(lang).await)
}

/// The signed-in customer's statement as HTML in `lang`, if it has a contract.
#[cfg(feature = "ssr")]
pub(crate) async fn statement_html(lang: crate::i18n::Lang) -> Result<Option<String>, AppError> {
    Ok(customer_statement().await?.map(|s| {
        crate::components::contract_statement::render(s.as_of, s.description, s.quote, lang)
    }))
}

#[cfg(feature = "ssr")]
async fn customer_statement() -> Result<Option<ContractStatement>, AppError> {
    use crate::ssr::*;
    let user = require_area(crate::auth::Area::Portal).await?;
    let tenant_id = tenant_of(&user)?;
    let state = server_state()?;
    let Some(recorded) = state.contracts.get(tenant_id).await? else {
        return Ok(None);
    };
    let as_of = crate::quotes::today_in_japan();
    let description = statement_description(&recorded.form, as_of).map_err(|_| {
        tracing::error!(tenant_id, "recorded contract no longer parses");
        AppError::Internal
    })?;
    let quote = contract::quote(&description, &TARIFF).map_err(|e| {
        tracing::error!(tenant_id, error = %e, "recorded contract no longer quotes");
        AppError::Internal
    })?;
    let tenant = state.accounts.tenant(tenant_id).await?;
    Ok(Some(ContractStatement {
        tenant_name: tenant.name,
        as_of,
        description,
        quote,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quotes::form::SensorGroupInput;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn form() -> QuoteForm {
        let mut f = QuoteForm::starter(d(2025, 8, 1));
        f.sensors = vec![SensorGroupInput {
            sensor_type: "N".into(),
            count: "1".into(),
            opening: "2025-08-15".into(),
            removal: String::new(),
        }];
        f.damage.enabled = true;
        f.damage.date = "2025-08-20".into();
        f
    }

    #[test]
    fn a_statement_bills_through_the_current_charge_month() {
        let desc = statement_description(&form(), d(2026, 2, 10)).expect("valid");
        assert_eq!(desc.horizon, Horizon::Until(d(2026, 2, 28)));
        assert_eq!(desc.damage, None);
        let q = contract::quote(&desc, &TARIFF).expect("valid");
        assert_eq!(q.invoices.len(), 7, "Aug 2025 through Feb 2026");
    }

    #[test]
    fn a_contract_not_yet_open_shows_its_first_invoice() {
        let desc = statement_description(&form(), d(2025, 6, 1)).expect("valid");
        assert_eq!(desc.horizon, Horizon::Until(d(2025, 8, 31)));
    }

    #[test]
    fn a_contract_the_terms_refuse_is_not_recorded() {
        let mut f = form();
        f.sensors[0].removal = "2025-08-01".into();
        let e = check_contract(&f, d(2025, 9, 1)).expect_err("reversed");
        assert!(matches!(e, AppError::Invalid { ref field, .. } if field == "sensors.0.removal"));
    }
}
