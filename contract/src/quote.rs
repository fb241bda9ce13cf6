//! The entry point: a [`ContractDescription`] in, a [`Quote`] out.
//!
//! Every input is validated here, so no later step can panic on user data.
//! The same function runs in the browser (WASM) and on the server, and its
//! output is deterministic, so a saved quote can be re-verified by recomputing.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ancillary::{
    AncillaryCharge, EarlyTermination, charge_for_month_memo, early_termination,
};
use crate::business_days::HolidayYears;
use crate::cancellation::{ResolvedContract, resolve};
use crate::derivation::{Article, Derivation};
pub use crate::description::{
    AncillarySubscription, ContractDescription, Horizon, MAX_ANCILLARIES, MAX_DAMAGE_MONTHS,
    MAX_HORIZON_MONTHS, MAX_SENSORS, SensorContract, max_date, min_date,
};
use crate::error::ContractError;
use crate::installation::{InstallationDeadline, installation_deadline_cached};
use crate::invoice::{Invoice, InvoiceLine, LineCategory, LineKind, TaxNotes, build_invoice_noted};
use crate::liability::{LiabilityCap, liability_cap};
use crate::money::Yen;
use crate::proration::{ChargeMonth, Proration, prorate_days};
use crate::tariff::{SensorType, Tariff};
use crate::terms::TermsVersion;

/// The installation deadline of one sensor contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorDeadline {
    /// Sensor contract id.
    pub sensor_id: String,
    /// The deadline and its derivation.
    pub deadline: InstallationDeadline,
    /// The deadline is before the quote date: installation can no longer be
    /// on time, and billing still starts on the opening date (Art. 31(16)).
    pub passed_on_quote_date: bool,
}

/// A stretch of the quoted dates governed by one version of the terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsPeriod {
    /// The version.
    pub version: TermsVersion,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// Sums over the whole horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Initial fees and one-time ancillary fees, tax-excluded.
    pub initial: Yen,
    /// Recurring fees, tax-excluded.
    pub recurring: Yen,
    /// Early-termination lump sums less refunds, tax-excluded.
    pub settlement: Yen,
    /// All of the above, tax-excluded.
    pub subtotal: Yen,
    /// Sum of the invoices' consumption tax.
    pub tax: Yen,
    /// Total contract value over the horizon, tax-included.
    pub total: Yen,
}

/// The result of [`quote()`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Tariff / catalogue version used.
    pub catalogue_version: String,
    /// Date of the quote.
    pub quote_date: NaiveDate,
    /// Terms in force on the quote date.
    pub terms_at_quote_date: TermsVersion,
    /// First charge month of the horizon.
    pub first_month: ChargeMonth,
    /// Last charge month of the horizon.
    pub last_month: ChargeMonth,
    /// One invoice per charge month with anything billed.
    pub invoices: Vec<Invoice>,
    /// Totals over the horizon.
    pub totals: Totals,
    /// Art. 6-2 settlements of cancelled ancillary services.
    pub early_terminations: Vec<EarlyTermination>,
    /// Art. 27-2 cap for the damage scenario, if one was given.
    pub liability: Option<LiabilityCap>,
    /// Art. 31(16) deadline per sensor contract.
    pub installation_deadlines: Vec<SensorDeadline>,
    /// Which terms governed which dates of the horizon.
    pub terms_periods: Vec<TermsPeriod>,
}

/// Parse a JSON description and quote it; parse failures (including an
/// unknown sensor type) become [`ContractError::Malformed`].
pub fn quote_json(json: &str, tariff: &Tariff) -> Result<Quote, ContractError> {
    let desc: ContractDescription =
        serde_json::from_str(json).map_err(|e| ContractError::Malformed {
            message: e.to_string(),
        })?;
    quote(&desc, tariff)
}

/// Compute the quote of a contract under a tariff.
pub fn quote(desc: &ContractDescription, tariff: &Tariff) -> Result<Quote, ContractError> {
    tariff.validate()?;
    let (first_month, last_month) = validate(desc, tariff)?;
    let contract = resolve(desc, tariff)?;
    let horizon_end = last_month.last_day();

    let early_terminations = settlements(&contract, horizon_end, tariff);

    let months = first_month.months_until(last_month).max(0) as usize + 1;
    let mut invoices = Vec::with_capacity(months);
    let mut cache = LineCache::default();
    let tax_notes = TaxNotes::new(tariff.tax_rate_percent, tariff.tax_rounding);
    let mut m = first_month;
    while m <= last_month {
        let lines = lines_for_month(&contract, &early_terminations, m, tariff, &mut cache);
        if !lines.is_empty() {
            invoices.push(build_invoice_noted(
                m,
                versions_in_month(m),
                lines,
                tariff.tax_rate_percent,
                tariff.tax_rounding,
                &tax_notes,
            ));
        }
        m = m.next();
    }

    let totals = Totals {
        initial: invoices.iter().map(|i| i.initial_subtotal).sum(),
        recurring: invoices.iter().map(|i| i.recurring_subtotal).sum(),
        settlement: invoices.iter().map(|i| i.settlement_subtotal).sum(),
        subtotal: invoices.iter().map(|i| i.subtotal).sum(),
        tax: invoices.iter().map(|i| i.tax).sum(),
        total: invoices.iter().map(|i| i.total).sum(),
    };

    // Many sensor contracts share an opening date; count back once per date.
    let mut by_opening: Vec<InstallationDeadline> = Vec::new();
    let mut holidays = HolidayYears::default();
    let mut installation_deadlines = Vec::with_capacity(contract.sensors.len());
    for s in &contract.sensors {
        let deadline = match by_opening.iter().find(|d| d.opening == s.opening) {
            Some(d) => d.clone(),
            None => {
                let d = installation_deadline_cached(s.opening, tariff, &mut holidays)?;
                by_opening.push(d.clone());
                d
            }
        };
        installation_deadlines.push(SensorDeadline {
            sensor_id: s.id.to_string(),
            passed_on_quote_date: deadline.deadline < desc.quote_date,
            deadline,
        });
    }

    let liability = desc
        .damage
        .as_ref()
        .map(|d| liability_cap(&contract, d, tariff))
        .transpose()?;

    Ok(Quote {
        catalogue_version: tariff.catalogue_version.clone(),
        quote_date: desc.quote_date,
        terms_at_quote_date: TermsVersion::in_force_on(desc.quote_date),
        first_month,
        last_month,
        invoices,
        totals,
        early_terminations,
        liability,
        installation_deadlines,
        terms_periods: terms_periods(first_month.first_day(), horizon_end),
    })
}

/// Field-level validation; returns the horizon as charge months.
fn validate(
    desc: &ContractDescription,
    tariff: &Tariff,
) -> Result<(ChargeMonth, ChargeMonth), ContractError> {
    let count = |field: &str, value: usize, max: usize, what: &str| {
        if value == 0 || value > max {
            Err(ContractError::BadCount {
                field: field.to_string(),
                value: value as i64,
                reason: format!("{what} 1 to {max}"),
            })
        } else {
            Ok(())
        }
    };
    count(
        "sensors",
        desc.sensors.len(),
        MAX_SENSORS,
        "the basic service is mandatory: sensor contracts must number",
    )?;
    if desc.ancillaries.len() > MAX_ANCILLARIES {
        return Err(ContractError::BadCount {
            field: "ancillaries".to_string(),
            value: desc.ancillaries.len() as i64,
            reason: format!("at most {MAX_ANCILLARIES} ancillary subscriptions"),
        });
    }

    // Field names are built only for an error: a valid description of 1,000
    // sensor contracts would otherwise format thousands of them per quote.
    fn in_range(field: impl FnOnce() -> String, date: NaiveDate) -> Result<(), ContractError> {
        if date < min_date() || date > max_date() {
            Err(ContractError::DateOutOfRange {
                field: field(),
                date,
                min: min_date(),
                max: max_date(),
            })
        } else {
            Ok(())
        }
    }
    fn ordered(
        field: impl FnOnce() -> String,
        date: NaiveDate,
        other_field: impl FnOnce() -> String,
        other: NaiveDate,
    ) -> Result<(), ContractError> {
        if date < other {
            Err(ContractError::DatesReversed {
                field: field(),
                date,
                other_field: other_field(),
                other,
            })
        } else {
            Ok(())
        }
    }

    in_range(|| "quote_date".to_string(), desc.quote_date)?;
    // Ids seen so far: the first repeat is reported, as a pairwise scan would,
    // without its O(n²) comparisons.
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for (i, s) in desc.sensors.iter().enumerate() {
        if s.id.trim().is_empty() {
            return Err(ContractError::BadIdentifier {
                field: format!("sensors[{i}].id"),
                reason: "must not be empty".to_string(),
            });
        }
        if !ids.insert(s.id.as_str()) {
            return Err(ContractError::BadIdentifier {
                field: format!("sensors[{i}].id"),
                reason: format!("\"{}\" is used by another sensor contract", s.id),
            });
        }
        in_range(|| format!("sensors[{i}].opening"), s.opening)?;
        if let Some(c) = s.cancellation {
            in_range(|| format!("sensors[{i}].cancellation"), c)?;
            ordered(
                || format!("sensors[{i}].cancellation"),
                c,
                || format!("sensors[{i}].opening"),
                s.opening,
            )?;
        }
    }
    for (i, a) in desc.ancillaries.iter().enumerate() {
        if tariff.item(&a.item_id).is_none() {
            return Err(ContractError::UnknownCatalogueItem {
                field: format!("ancillaries[{i}].item_id"),
                item_id: a.item_id.clone(),
                catalogue_version: tariff.catalogue_version.clone(),
            });
        }
        in_range(|| format!("ancillaries[{i}].start"), a.start)?;
        if let Some(c) = a.cancellation {
            in_range(|| format!("ancillaries[{i}].cancellation"), c)?;
            ordered(
                || format!("ancillaries[{i}].cancellation"),
                c,
                || format!("ancillaries[{i}].start"),
                a.start,
            )?;
        }
    }
    if let Some(c) = &desc.contract_cancellation {
        in_range(|| "contract_cancellation.date".to_string(), c.date)?;
    }
    if let Some(d) = &desc.damage {
        in_range(|| "damage.date".to_string(), d.date)?;
        if d.damage_months == 0 || d.damage_months > MAX_DAMAGE_MONTHS {
            return Err(ContractError::BadCount {
                field: "damage.damage_months".to_string(),
                value: d.damage_months as i64,
                reason: format!("must be 1 to {MAX_DAMAGE_MONTHS}"),
            });
        }
    }

    // Non-empty: at least one sensor contract was checked above.
    let first_day = desc
        .sensors
        .iter()
        .map(|s| s.opening)
        .chain(desc.ancillaries.iter().map(|a| a.start))
        .min()
        .unwrap_or(desc.quote_date);
    let first = ChargeMonth::of(first_day);
    let last = match desc.horizon {
        Horizon::Months(n) => {
            if n == 0 || n > MAX_HORIZON_MONTHS {
                return Err(ContractError::BadCount {
                    field: "horizon.Months".to_string(),
                    value: n as i64,
                    reason: format!("must be 1 to {MAX_HORIZON_MONTHS} charge months"),
                });
            }
            first.plus(n - 1)
        }
        Horizon::Until(d) => {
            in_range(|| "horizon.Until".to_string(), d)?;
            ordered(
                || "horizon.Until".to_string(),
                d,
                || "first opening or start date".to_string(),
                first.first_day(),
            )?;
            let last = ChargeMonth::of(d);
            if first.months_until(last) >= MAX_HORIZON_MONTHS as i64 {
                return Err(ContractError::BadCount {
                    field: "horizon.Until".to_string(),
                    value: first.months_until(last) + 1,
                    reason: format!(
                        "the horizon must be at most {MAX_HORIZON_MONTHS} charge months"
                    ),
                });
            }
            last
        }
    };
    if last.last_day() > max_date() {
        return Err(ContractError::DateOutOfRange {
            field: "horizon".to_string(),
            date: last.last_day(),
            min: min_date(),
            max: max_date(),
        });
    }
    Ok((first, last))
}

/// Art. 6-2 settlements of every ancillary cancelled within the horizon.
fn settlements(
    contract: &ResolvedContract,
    horizon_end: NaiveDate,
    tariff: &Tariff,
) -> Vec<EarlyTermination> {
    contract
        .ancillaries
        .iter()
        .filter_map(|a| {
            let c = a.cancellation?;
            // A non-renewing item that already ended is not cancelled early.
            if c > horizon_end || a.end != Some(c) {
                return None;
            }
            early_termination(
                &a.item,
                a.index,
                a.start,
                c,
                a.operator_fault,
                a.cause,
                tariff,
            )
        })
        .collect()
}

fn versions_in_month(m: ChargeMonth) -> Vec<TermsVersion> {
    let a = TermsVersion::in_force_on(m.first_day());
    let b = TermsVersion::in_force_on(m.last_day());
    if a == b { vec![a] } else { vec![a, b] }
}

fn terms_periods(from: NaiveDate, to: NaiveDate) -> Vec<TermsPeriod> {
    let mut out = Vec::new();
    let mut start = from;
    for v in TermsVersion::ALL {
        let next = TermsVersion::ALL
            .iter()
            .map(|n| n.effective_from())
            .find(|d| *d > v.effective_from());
        let end = match next.and_then(|n| n.pred_opt()) {
            Some(e) => e.min(to),
            None => to,
        };
        if TermsVersion::in_force_on(start) == v && start <= end {
            out.push(TermsPeriod {
                version: v,
                from: start,
                to: end,
            });
            match end.succ_opt() {
                Some(s) => start = s,
                None => break,
            }
        }
    }
    out
}

/// Basic-fee prorations by (terms version, days used, days of the month):
/// with the tariff's fee and rounding fixed for a quote, these decide every
/// amount and derivation text, so each distinct shape is built once per quote
/// and cloned into its lines. Indexed directly (at most 2 × 4 × 31 shapes), so
/// a lookup costs the same however many sensor contracts and months there are.
#[derive(Default)]
struct ProrationCache(Vec<Option<Proration>>);

impl ProrationCache {
    const DAYS: usize = 32;
    const MONTH_LENGTHS: usize = 4;

    fn slot(version: TermsVersion, used: u32, dim: u32) -> Option<usize> {
        let v = TermsVersion::ALL.iter().position(|x| *x == version)?;
        let d = dim
            .checked_sub(28)
            .filter(|d| (*d as usize) < Self::MONTH_LENGTHS)? as usize;
        let u = used as usize;
        (u < Self::DAYS).then_some((v * Self::MONTH_LENGTHS + d) * Self::DAYS + u)
    }

    fn get(&mut self, version: TermsVersion, used: u32, dim: u32, tariff: &Tariff) -> Proration {
        let build = || {
            prorate_days(
                tariff.basic_fee_monthly,
                used,
                dim,
                tariff.line_rounding,
                version,
            )
        };
        // Month lengths are 28–31 and days used 1–31; anything else (never
        // produced by a calendar) is simply computed.
        let Some(i) = Self::slot(version, used, dim) else {
            return build();
        };
        if self.0.is_empty() {
            self.0.resize(
                TermsVersion::ALL.len() * Self::MONTH_LENGTHS * Self::DAYS,
                None,
            );
        }
        match &mut self.0[i] {
            Some(p) => p.clone(),
            empty => empty.insert(build()).clone(),
        }
    }
}

/// What the lines of a quote share across charge months: the initial-fee
/// derivation per sensor type and the basic-fee prorations.
#[derive(Default)]
struct LineCache {
    prorations: ProrationCache,
    initial: Vec<(SensorType, Derivation)>,
    /// Per ancillary subscription, see [`charge_for_month_memo`].
    ancillary: Vec<Option<AncillaryCharge>>,
}

impl LineCache {
    fn initial_fee(&mut self, t: SensorType, fee: Yen) -> Derivation {
        if let Some((_, d)) = self.initial.iter().find(|(s, _)| *s == t) {
            return d.clone();
        }
        let d = Derivation::new(
            format!("{fee} ({} sensor contract)", t.label()),
            Article::TariffTable1,
            "初期費用は開通日を含む最初の料金月に請求（設置未完了でも開通日から請求、第31条(16)）。",
            "The initial fee is billed with the first charge month, from the opening date even if the sensor was not installed in time (Art. 31(16)).",
        );
        self.initial.push((t, d.clone()));
        d
    }
}

fn lines_for_month(
    contract: &ResolvedContract,
    settlements: &[EarlyTermination],
    m: ChargeMonth,
    tariff: &Tariff,
    cache: &mut LineCache,
) -> Vec<InvoiceLine> {
    let first = m.first_day();
    let last = m.last_day();
    let dim = m.days();
    let openings = contract
        .sensors
        .iter()
        .filter(|s| s.opening >= first && s.opening <= last)
        .count();
    let mut lines = Vec::with_capacity(
        contract.sensors.len() + openings + contract.ancillaries.len() + 2 * settlements.len(),
    );
    for s in &contract.sensors {
        if s.opening >= first && s.opening <= last {
            let fee = tariff.initial_fees.for_type(s.sensor_type);
            lines.push(InvoiceLine {
                kind: LineKind::InitialFee {
                    sensor_id: s.id.clone(),
                    sensor_type: s.sensor_type,
                },
                category: LineCategory::Initial,
                days: None,
                amount: fee,
                derivation: cache.initial_fee(s.sensor_type, fee),
            });
        }
        // Days in use this month, opening and cancellation days included
        // (`days_in_use` with the month's bounds computed once).
        let from = s.opening.max(first);
        let to = s.end.map_or(last, |e| e.min(last));
        if to < from {
            continue;
        }
        let used = if from == first && to == last {
            dim
        } else {
            ((to - from).num_days() + 1) as u32
        };
        // The version in force on the last day billed in the month.
        let version = TermsVersion::in_force_on(to);
        let p = cache.prorations.get(version, used, dim, tariff);
        lines.push(InvoiceLine {
            kind: LineKind::BasicFee {
                sensor_id: s.id.clone(),
            },
            category: LineCategory::Recurring,
            days: Some((p.days_used, p.days_in_month)),
            amount: p.amount,
            derivation: p.derivation,
        });
    }
    cache
        .ancillary
        .resize_with(contract.ancillaries.len(), Default::default);
    for (a, memo) in contract.ancillaries.iter().zip(cache.ancillary.iter_mut()) {
        if let Some(c) =
            charge_for_month_memo(&a.item, a.start, a.end, m, tariff.line_rounding, memo)
        {
            lines.push(InvoiceLine {
                kind: LineKind::Ancillary {
                    item_id: a.item.id.clone(),
                    subscription: a.index,
                },
                category: if c.one_time {
                    LineCategory::Initial
                } else {
                    LineCategory::Recurring
                },
                days: c.days,
                amount: c.amount,
                derivation: c.derivation,
            });
        }
    }
    // Lump sums fall due with the cancellation month's invoice.
    for e in settlements
        .iter()
        .filter(|e| ChargeMonth::of(e.cancellation) == m)
    {
        if e.lump_sum != Yen::ZERO {
            lines.push(InvoiceLine {
                kind: LineKind::EarlyTermination {
                    item_id: e.item_id.clone(),
                    subscription: e.subscription,
                },
                category: LineCategory::Settlement,
                days: None,
                amount: e.lump_sum,
                derivation: e.derivation.clone(),
            });
        }
        if e.refund != Yen::ZERO {
            lines.push(InvoiceLine {
                kind: LineKind::PrepaidRefund {
                    item_id: e.item_id.clone(),
                    subscription: e.subscription,
                },
                category: LineCategory::Settlement,
                days: None,
                amount: -e.refund,
                derivation: e.derivation.clone(),
            });
        }
    }
    lines
}
