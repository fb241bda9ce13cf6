//! The simulator's inputs as typed by a person, and their translation into a
//! [`ContractDescription`] for the engine.
//!
//! Fields stay text until parsed, so a half-typed date is kept as typed and
//! reported next to its field instead of being lost or panicking. Every
//! problem names a [`FieldKey`], the key the page uses to place the message.

use chrono::{Datelike, NaiveDate};
use contract::{
    AncillarySubscription, CancelledBy, ContractCancellation, ContractDescription, ContractError,
    DamageCause, DamageScenario, Horizon, Quote, SensorContract, SensorType, Tariff,
};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, ValidationWords, fill};

/// Most scenarios compared side by side.
pub const MAX_SCENARIOS: usize = 3;
/// Most sensor groups (rows) in one scenario.
pub const MAX_SENSOR_GROUPS: usize = 50;
/// Most sensors in one group; the engine caps the whole contract at
/// [`contract::quote::MAX_SENSORS`].
pub const MAX_GROUP_COUNT: u32 = 1_000;
/// Most characters of a prospect name.
pub const MAX_PROSPECT_CHARS: usize = 200;

/// One row of sensors: `count` sensor contracts of one type opened on one
/// date and optionally removed on another. A later addition is another row
/// with a later opening date; a removal is a row's removal date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensorGroupInput {
    /// `N` or `D`.
    pub sensor_type: String,
    pub count: String,
    /// Opening date, `YYYY-MM-DD`.
    pub opening: String,
    /// Removal (cancellation) date, empty for none.
    #[serde(default)]
    pub removal: String,
}

/// One ancillary subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AncillaryInput {
    pub item_id: String,
    pub start: String,
    /// Cancellation date of this subscription alone, empty for none.
    #[serde(default)]
    pub cancellation: String,
    #[serde(default)]
    pub operator_fault: bool,
}

/// "What if the whole contract is cancelled on …".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CancellationInput {
    pub enabled: bool,
    pub date: String,
    /// `contractor` (Art. 13) or `operator` (Art. 14).
    pub by: String,
    pub operator_fault: bool,
}

/// A damage scenario for the liability cap.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DamageInput {
    pub enabled: bool,
    pub date: String,
    /// `basic` or an ancillary catalogue item id.
    pub cause: String,
    /// Months in which damage occurred (ancillary cap).
    pub months: String,
}

/// Everything the simulator form holds for one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteForm {
    pub prospect: String,
    pub quote_date: String,
    pub horizon_months: String,
    pub sensors: Vec<SensorGroupInput>,
    #[serde(default)]
    pub ancillaries: Vec<AncillaryInput>,
    #[serde(default)]
    pub cancellation: CancellationInput,
    #[serde(default)]
    pub damage: DamageInput,
}

/// Where a message goes: `quote_date`, `sensors.2.opening`, `damage.cause`…
/// `form` is the whole form (a problem no single field explains).
pub type FieldKey = String;

/// What is wrong with a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    NotADate,
    /// Not a whole number in `min..=max`.
    NotACount {
        min: u32,
        max: u32,
    },
    UnknownSensorType,
    UnknownCancelledBy,
    TooLong {
        max: usize,
    },
    TooMany {
        max: usize,
    },
    /// No sensor row at all: the basic service is mandatory.
    NoSensors,
    /// Parsed, but the contract engine refused it.
    Engine(ContractError),
}

/// A problem placed on a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: FieldKey,
    pub problem: Problem,
}

impl FieldError {
    fn new(field: impl Into<String>, problem: Problem) -> Self {
        FieldError {
            field: field.into(),
            problem,
        }
    }

    /// The message shown next to the field.
    pub fn message(&self, lang: Lang) -> String {
        let v = &lang.catalogue().v;
        match &self.problem {
            Problem::Required => v.required.into(),
            Problem::NotADate => v.not_a_date.into(),
            Problem::NotACount { min, max } => fill(v.not_a_count, &[("min", min), ("max", max)]),
            Problem::UnknownSensorType => v.unknown_sensor_type.into(),
            Problem::UnknownCancelledBy => v.unknown_cancelled_by.into(),
            Problem::TooLong { max } => fill(v.too_long, &[("max", max)]),
            Problem::TooMany { max } => fill(v.too_many, &[("max", max)]),
            Problem::NoSensors => v.no_sensors.into(),
            Problem::Engine(e) => engine_message(e, v),
        }
    }
}

/// The engine's refusal in the page's words, without the field path (the
/// message is shown next to the field already).
fn engine_message(e: &ContractError, v: &ValidationWords) -> String {
    match e {
        ContractError::Malformed { message } => fill(v.malformed, &[("message", message)]),
        ContractError::DateOutOfRange { date, min, max, .. } => fill(
            v.date_out_of_range,
            &[("date", date), ("min", min), ("max", max)],
        ),
        ContractError::DatesReversed {
            date,
            other_field,
            other,
            ..
        } => fill(
            v.dates_reversed,
            &[
                ("date", date),
                ("other_field", &field_name(other_field, v)),
                ("other", other),
            ],
        ),
        ContractError::BadCount { value, reason, .. } => {
            fill(v.bad_count, &[("value", value), ("reason", reason)])
        }
        ContractError::BadIdentifier { reason, .. } => {
            fill(v.bad_identifier, &[("reason", reason)])
        }
        ContractError::UnknownCatalogueItem {
            item_id,
            catalogue_version,
            ..
        } => fill(
            v.unknown_catalogue_item,
            &[
                ("item_id", item_id),
                ("catalogue_version", catalogue_version),
            ],
        ),
        ContractError::UnknownSensorType { value, .. } => {
            fill(v.engine_unknown_sensor_type, &[("value", value)])
        }
        ContractError::AncillaryBeforeRevisedTerms { date, .. } => {
            fill(v.ancillary_before_revised_terms, &[("date", date)])
        }
        ContractError::BasicCancelledWhileKeepingAncillary { basic_end, .. } => fill(
            v.basic_cancelled_while_keeping_ancillary,
            &[("basic_end", basic_end)],
        ),
        ContractError::AncillaryWithoutBasic { date, .. } => {
            fill(v.ancillary_without_basic, &[("date", date)])
        }
        ContractError::BadTariff { field, reason } => {
            fill(v.bad_tariff, &[("field", field), ("reason", reason)])
        }
        ContractError::BadDamageScenario { reason, .. } => {
            fill(v.bad_damage_scenario, &[("reason", reason)])
        }
    }
}

/// The name of the date an engine field path points at.
fn field_name(engine_field: &str, v: &ValidationWords) -> &'static str {
    if engine_field.ends_with("opening") {
        v.field_opening
    } else if engine_field.ends_with("start") {
        v.field_start
    } else if engine_field.ends_with("cancellation") || engine_field.ends_with(".date") {
        v.field_cancellation
    } else if engine_field == "quote_date" {
        v.field_quote_date
    } else {
        v.field_related
    }
}

fn engine_field(e: &ContractError) -> Option<&str> {
    match e {
        ContractError::DateOutOfRange { field, .. }
        | ContractError::DatesReversed { field, .. }
        | ContractError::BadCount { field, .. }
        | ContractError::BadIdentifier { field, .. }
        | ContractError::UnknownCatalogueItem { field, .. }
        | ContractError::UnknownSensorType { field, .. }
        | ContractError::AncillaryBeforeRevisedTerms { field, .. }
        | ContractError::BasicCancelledWhileKeepingAncillary { field, .. }
        | ContractError::AncillaryWithoutBasic { field, .. }
        | ContractError::BadDamageScenario { field, .. } => Some(field),
        ContractError::Malformed { .. } | ContractError::BadTariff { .. } => None,
    }
}

/// The description the engine quotes, with the form row each sensor
/// contract came from (engine errors name a sensor; the page shows a row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedForm {
    pub description: ContractDescription,
    pub group_of_sensor: Vec<usize>,
}

/// The outcome of one recomputation.
pub type Computed = Result<(ContractDescription, Quote), Vec<FieldError>>;

impl QuoteForm {
    /// A starting point: two Type N sensors opened on the first day of the
    /// month after next (so the installation deadline is still ahead), three
    /// years.
    pub fn starter(today: NaiveDate) -> QuoteForm {
        let opening = first_of_month_after_next(today);
        QuoteForm {
            prospect: String::new(),
            quote_date: today.to_string(),
            horizon_months: "36".into(),
            sensors: vec![SensorGroupInput {
                sensor_type: "N".into(),
                count: "2".into(),
                opening: opening.to_string(),
                removal: String::new(),
            }],
            ancillaries: Vec::new(),
            cancellation: CancellationInput {
                enabled: false,
                date: String::new(),
                by: "contractor".into(),
                operator_fault: false,
            },
            damage: DamageInput {
                enabled: false,
                date: String::new(),
                cause: "basic".into(),
                months: "1".into(),
            },
        }
    }

    /// Parses every field, reporting every problem at once.
    pub fn parse(&self) -> Result<ParsedForm, Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.prospect.chars().count() > MAX_PROSPECT_CHARS {
            errors.push(FieldError::new(
                "prospect",
                Problem::TooLong {
                    max: MAX_PROSPECT_CHARS,
                },
            ));
        }
        let quote_date = required_date(&self.quote_date, "quote_date", &mut errors);
        let horizon = count(
            &self.horizon_months,
            "horizon_months",
            contract::quote::MAX_HORIZON_MONTHS,
            &mut errors,
        );

        if self.sensors.len() > MAX_SENSOR_GROUPS {
            errors.push(FieldError::new(
                "sensors",
                Problem::TooMany {
                    max: MAX_SENSOR_GROUPS,
                },
            ));
        }
        let mut sensors = Vec::new();
        let mut group_of_sensor = Vec::new();
        for (g, row) in self.sensors.iter().enumerate().take(MAX_SENSOR_GROUPS) {
            let key = |f: &str| format!("sensors.{g}.{f}");
            let sensor_type = match row.sensor_type.trim() {
                "N" | "n" => Some(SensorType::N),
                "D" | "d" => Some(SensorType::D),
                _ => {
                    errors.push(FieldError::new(
                        key("sensor_type"),
                        Problem::UnknownSensorType,
                    ));
                    None
                }
            };
            let n = count(&row.count, &key("count"), MAX_GROUP_COUNT, &mut errors);
            let opening = required_date(&row.opening, &key("opening"), &mut errors);
            let removal = optional_date(&row.removal, &key("removal"), &mut errors);
            if let (Some(t), Some(n), Some(opening), Some(removal)) =
                (sensor_type, n, opening, removal)
            {
                for j in 1..=n {
                    sensors.push(SensorContract {
                        id: format!("{}{}-{j:02}", type_letter(t), g + 1),
                        sensor_type: t,
                        opening,
                        cancellation: removal,
                    });
                    group_of_sensor.push(g);
                }
            }
        }
        if self.sensors.is_empty() {
            errors.push(FieldError::new("sensors", Problem::NoSensors));
        }

        let mut ancillaries = Vec::new();
        for (i, row) in self.ancillaries.iter().enumerate() {
            let key = |f: &str| format!("ancillaries.{i}.{f}");
            if row.item_id.trim().is_empty() {
                errors.push(FieldError::new(key("item_id"), Problem::Required));
            }
            let start = required_date(&row.start, &key("start"), &mut errors);
            let cancellation = optional_date(&row.cancellation, &key("cancellation"), &mut errors);
            if let (Some(start), Some(cancellation)) = (start, cancellation) {
                ancillaries.push(AncillarySubscription {
                    item_id: row.item_id.trim().to_owned(),
                    start,
                    cancellation,
                    operator_fault: row.operator_fault,
                });
            }
        }

        let contract_cancellation = if self.cancellation.enabled {
            let date = required_date(&self.cancellation.date, "cancellation.date", &mut errors);
            let by = match self.cancellation.by.as_str() {
                "contractor" => Some(CancelledBy::Contractor),
                "operator" => Some(CancelledBy::Operator),
                _ => {
                    errors.push(FieldError::new(
                        "cancellation.by",
                        Problem::UnknownCancelledBy,
                    ));
                    None
                }
            };
            match (date, by) {
                (Some(date), Some(by)) => Some(ContractCancellation {
                    date,
                    by,
                    operator_fault: self.cancellation.operator_fault,
                }),
                _ => None,
            }
        } else {
            None
        };

        let damage = if self.damage.enabled {
            let date = required_date(&self.damage.date, "damage.date", &mut errors);
            let months = count(
                &self.damage.months,
                "damage.months",
                contract::quote::MAX_DAMAGE_MONTHS,
                &mut errors,
            );
            let cause = match self.damage.cause.trim() {
                "" => {
                    errors.push(FieldError::new("damage.cause", Problem::Required));
                    None
                }
                "basic" => Some(DamageCause::Basic),
                item => Some(DamageCause::Ancillary {
                    item_id: item.to_owned(),
                }),
            };
            match (date, months, cause) {
                (Some(date), Some(damage_months), Some(cause)) => Some(DamageScenario {
                    date,
                    cause,
                    damage_months,
                }),
                _ => None,
            }
        } else {
            None
        };

        match (errors.is_empty(), quote_date, horizon) {
            (true, Some(quote_date), Some(horizon)) => Ok(ParsedForm {
                description: ContractDescription {
                    quote_date,
                    sensors,
                    ancillaries,
                    contract_cancellation,
                    horizon: Horizon::Months(horizon),
                    damage,
                },
                group_of_sensor,
            }),
            _ => Err(errors),
        }
    }

    /// Parses and quotes: what the page runs on every change.
    pub fn compute(&self, tariff: &Tariff) -> Computed {
        let parsed = self.parse()?;
        match contract::quote(&parsed.description, tariff) {
            Ok(q) => Ok((parsed.description, q)),
            Err(e) => Err(vec![FieldError::new(
                form_key_of(&e, &parsed.group_of_sensor),
                Problem::Engine(e),
            )]),
        }
    }
}

/// Maps an engine field path (`sensors[7].cancellation`) to the form field
/// that holds it (`sensors.1.removal`).
pub fn form_key_of(e: &ContractError, group_of_sensor: &[usize]) -> FieldKey {
    let Some(path) = engine_field(e) else {
        return "form".into();
    };
    let indexed = |prefix: &str| -> Option<(usize, &str)> {
        let rest = path.strip_prefix(prefix)?.strip_prefix('[')?;
        let (index, tail) = rest.split_once(']')?;
        Some((index.parse().ok()?, tail.trim_start_matches('.')))
    };
    if let Some((i, tail)) = indexed("sensors") {
        let g = group_of_sensor.get(i).copied().unwrap_or(0);
        let field = match tail {
            "cancellation" => "removal",
            "sensor_type" => "sensor_type",
            _ => "opening",
        };
        return format!("sensors.{g}.{field}");
    }
    if let Some((i, tail)) = indexed("ancillaries") {
        let field = match tail {
            "item_id" => "item_id",
            "cancellation" => "cancellation",
            _ => "start",
        };
        return format!("ancillaries.{i}.{field}");
    }
    match path {
        "quote_date" => "quote_date".into(),
        "horizon" => "horizon_months".into(),
        "sensors" => "sensors".into(),
        "ancillaries" => "ancillaries".into(),
        p if p.starts_with("contract_cancellation") => "cancellation.date".into(),
        "damage.damage_months" => "damage.months".into(),
        p if p.starts_with("damage.cause") => "damage.cause".into(),
        p if p.starts_with("damage") => "damage.date".into(),
        _ => "form".into(),
    }
}

fn type_letter(t: SensorType) -> &'static str {
    match t {
        SensorType::N => "N",
        SensorType::D => "D",
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn required_date(text: &str, key: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if text.trim().is_empty() {
        errors.push(FieldError::new(key, Problem::Required));
        return None;
    }
    let date = parse_date(text);
    if date.is_none() {
        errors.push(FieldError::new(key, Problem::NotADate));
    }
    date
}

/// `Some(None)` when empty, `None` when unreadable (and reported).
fn optional_date(text: &str, key: &str, errors: &mut Vec<FieldError>) -> Option<Option<NaiveDate>> {
    if text.trim().is_empty() {
        return Some(None);
    }
    match parse_date(text) {
        Some(d) => Some(Some(d)),
        None => {
            errors.push(FieldError::new(key, Problem::NotADate));
            None
        }
    }
}

fn count(text: &str, key: &str, max: u32, errors: &mut Vec<FieldError>) -> Option<u32> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Some(n),
        _ if text.trim().is_empty() => {
            errors.push(FieldError::new(key, Problem::Required));
            None
        }
        _ => {
            errors.push(FieldError::new(key, Problem::NotACount { min: 1, max }));
            None
        }
    }
}

fn first_of_month_after_next(today: NaiveDate) -> NaiveDate {
    let (y, m) = (today.year(), today.month());
    let (y, m) = if m >= 11 { (y + 1, m - 10) } else { (y, m + 2) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn form() -> QuoteForm {
        let mut f = QuoteForm::starter(d(2025, 8, 1));
        f.sensors[0].opening = "2025-08-15".into();
        f.horizon_months = "12".into();
        f
    }

    fn keys(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn the_starter_form_quotes() {
        let f = QuoteForm::starter(d(2026, 11, 25));
        assert_eq!(f.sensors[0].opening, "2027-01-01");
        let (_, q) = f.compute(&Tariff::standard()).expect("valid");
        assert_eq!(q.invoices.len(), 36);
    }

    #[test]
    fn groups_expand_into_sensor_contracts_with_readable_ids() {
        let mut f = form();
        f.sensors.push(SensorGroupInput {
            sensor_type: "D".into(),
            count: "3".into(),
            opening: "2025-10-01".into(),
            removal: "2026-03-31".into(),
        });
        let parsed = f.parse().expect("valid");
        let ids: Vec<_> = parsed
            .description
            .sensors
            .iter()
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(ids, ["N1-01", "N1-02", "D2-01", "D2-02", "D2-03"]);
        assert_eq!(parsed.group_of_sensor, [0, 0, 1, 1, 1]);
        assert_eq!(
            parsed.description.sensors[4].cancellation,
            Some(d(2026, 3, 31))
        );
    }

    #[test]
    fn every_unreadable_field_is_reported_at_once() {
        let mut f = form();
        f.quote_date = "2025-13-01".into();
        f.horizon_months = "0".into();
        f.sensors[0].count = "many".into();
        f.sensors[0].sensor_type = "X".into();
        f.sensors[0].removal = "soon".into();
        let errors = f.parse().expect_err("invalid");
        assert_eq!(
            keys(&errors),
            [
                "quote_date",
                "horizon_months",
                "sensors.0.sensor_type",
                "sensors.0.count",
                "sensors.0.removal"
            ]
        );
        assert_eq!(
            errors[1].message(Lang::En),
            "Enter a whole number from 1 to 600."
        );
    }

    #[test]
    fn absurd_counts_are_refused_without_building_them() {
        let mut f = form();
        f.sensors[0].count = "4294967295".into();
        let errors = f.parse().expect_err("invalid");
        assert_eq!(keys(&errors), ["sensors.0.count"]);
        f.sensors[0].count = "-1".into();
        assert_eq!(keys(&f.parse().expect_err("invalid")), ["sensors.0.count"]);
    }

    #[test]
    fn an_engine_refusal_lands_on_the_row_that_caused_it() {
        let mut f = form();
        f.sensors.push(SensorGroupInput {
            sensor_type: "N".into(),
            count: "2".into(),
            opening: "2025-10-01".into(),
            removal: "2025-09-01".into(),
        });
        let errors = f.compute(&Tariff::standard()).expect_err("reversed");
        assert_eq!(keys(&errors), ["sensors.1.removal"]);
        assert!(matches!(
            errors[0].problem,
            Problem::Engine(ContractError::DatesReversed { .. })
        ));
        assert_eq!(
            errors[0].message(Lang::En),
            "2025-09-01 is before the opening date (2025-10-01)."
        );
        assert_eq!(
            errors[0].message(Lang::Ja),
            "2025-09-01 は開通日（2025-10-01）より前です。"
        );
    }

    #[test]
    fn dates_outside_the_supported_range_are_refused_on_their_field() {
        let mut f = form();
        f.sensors[0].opening = "2101-01-01".into();
        let errors = f.compute(&Tariff::standard()).expect_err("out of range");
        assert_eq!(keys(&errors), ["sensors.0.opening"]);
    }

    #[test]
    fn ancillaries_before_the_revised_terms_are_refused_on_their_start() {
        let mut f = form();
        f.sensors[0].opening = "2025-06-02".into();
        f.ancillaries.push(AncillaryInput {
            item_id: "example-operation-support".into(),
            start: "2025-07-01".into(),
            cancellation: String::new(),
            operator_fault: false,
        });
        let errors = f
            .compute(&Tariff::standard())
            .expect_err("before 2025-07-31");
        assert_eq!(keys(&errors), ["ancillaries.0.start"]);
        assert!(errors[0].message(Lang::Ja).contains("2025-07-31"));
    }

    #[test]
    fn unknown_catalogue_items_and_damage_causes_are_placed() {
        let mut f = form();
        f.ancillaries.push(AncillaryInput {
            item_id: "no-such-item".into(),
            start: "2025-09-01".into(),
            cancellation: String::new(),
            operator_fault: false,
        });
        let errors = f.compute(&Tariff::standard()).expect_err("unknown item");
        assert_eq!(keys(&errors), ["ancillaries.0.item_id"]);

        let mut f = form();
        f.damage = DamageInput {
            enabled: true,
            date: "2025-09-10".into(),
            cause: "example-operation-support".into(),
            months: "1".into(),
        };
        let errors = f
            .compute(&Tariff::standard())
            .expect_err("no such subscription");
        assert_eq!(keys(&errors), ["damage.cause"]);
    }

    #[test]
    fn disabled_sections_are_ignored_even_when_half_filled() {
        let mut f = form();
        f.cancellation.date = "garbage".into();
        f.damage.date = "garbage".into();
        assert!(f.compute(&Tariff::standard()).is_ok());
    }

    #[test]
    fn a_form_without_sensors_says_the_basic_service_is_mandatory() {
        let mut f = form();
        f.sensors.clear();
        let errors = f.parse().expect_err("no sensors");
        assert_eq!(keys(&errors), ["sensors"]);
    }

    #[test]
    fn every_engine_error_has_a_japanese_message() {
        let e = ContractError::BasicCancelledWhileKeepingAncillary {
            field: "ancillaries[0].cancellation".into(),
            basic_end: d(2026, 3, 31),
        };
        let fe = FieldError::new(form_key_of(&e, &[]), Problem::Engine(e));
        assert_eq!(fe.field, "ancillaries.0.cancellation");
        assert!(fe.message(Lang::Ja).contains("第13条第2項"));
        assert!(!fe.message(Lang::En).starts_with("ancillaries[0]"));
    }

    fn every_engine_error() -> Vec<ContractError> {
        let (field, reason) = (String::from("sensors[0].opening"), String::from("why"));
        vec![
            ContractError::Malformed {
                message: "bad json".into(),
            },
            ContractError::DateOutOfRange {
                field: field.clone(),
                date: d(2101, 1, 1),
                min: d(2024, 1, 1),
                max: d(2100, 12, 31),
            },
            ContractError::DatesReversed {
                field: "sensors[0].cancellation".into(),
                date: d(2025, 9, 1),
                other_field: field.clone(),
                other: d(2025, 10, 1),
            },
            ContractError::BadCount {
                field: field.clone(),
                value: 0,
                reason: reason.clone(),
            },
            ContractError::BadIdentifier {
                field: field.clone(),
                reason: reason.clone(),
            },
            ContractError::UnknownCatalogueItem {
                field: field.clone(),
                item_id: "x".into(),
                catalogue_version: "2025-07-31".into(),
            },
            ContractError::UnknownSensorType {
                field: field.clone(),
                value: "X".into(),
            },
            ContractError::AncillaryBeforeRevisedTerms {
                field: field.clone(),
                date: d(2025, 7, 1),
            },
            ContractError::BasicCancelledWhileKeepingAncillary {
                field: field.clone(),
                basic_end: d(2026, 3, 31),
            },
            ContractError::AncillaryWithoutBasic {
                field: field.clone(),
                date: d(2025, 9, 1),
            },
            ContractError::BadTariff {
                field: "basic_fee".into(),
                reason: reason.clone(),
            },
            ContractError::BadDamageScenario { field, reason },
        ]
    }

    #[test]
    fn english_engine_messages_are_the_engines_own_without_the_field() {
        for e in every_engine_error() {
            let text = e.to_string();
            let expected = match engine_field(&e) {
                Some(field) => text.strip_prefix(&format!("{field}: ")).unwrap_or(&text),
                None => &text,
            };
            let fe = FieldError::new("form", Problem::Engine(e.clone()));
            if matches!(e, ContractError::DatesReversed { .. }) {
                assert_eq!(
                    fe.message(Lang::En),
                    "2025-09-01 is before the opening date (2025-10-01)."
                );
            } else {
                assert_eq!(fe.message(Lang::En), expected, "{e:?}");
            }
        }
    }

    #[test]
    fn every_message_fills_all_its_placeholders() {
        let problems = [
            Problem::Required,
            Problem::NotADate,
            Problem::NotACount { min: 1, max: 600 },
            Problem::UnknownSensorType,
            Problem::UnknownCancelledBy,
            Problem::TooLong { max: 200 },
            Problem::TooMany { max: 50 },
            Problem::NoSensors,
        ]
        .into_iter()
        .chain(every_engine_error().into_iter().map(Problem::Engine));
        for problem in problems {
            let fe = FieldError::new("form", problem);
            for lang in [Lang::Ja, Lang::En] {
                let m = fe.message(lang);
                assert!(!m.is_empty() && !m.contains('{'), "{lang:?}: {m}");
            }
        }
    }
}
