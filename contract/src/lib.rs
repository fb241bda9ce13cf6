//! OT Lens contract engine: the billing rules of the WideAngle OsecT terms of
//! use (old text until 2025-07-30, revised text from 2025-07-31) as pure
//! functions. No clock, no I/O, no floats; builds for native and
//! `wasm32-unknown-unknown`.
//!
//! The entry point is [`quote()`]: a [`ContractDescription`] and a [`Tariff`]
//! in, a [`Quote`] with monthly invoices, derivations, totals, early
//! termination settlements, liability caps and installation deadlines out.
//!
//! ```
//! use chrono::NaiveDate;
//! use contract::{ContractDescription, Horizon, SensorContract, SensorType, Tariff, Yen, quote};
//!
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let desc = ContractDescription {
//!     quote_date: d(2025, 8, 1),
//!     sensors: vec![SensorContract {
//!         id: "plant-a".into(),
//!         sensor_type: SensorType::N,
//!         opening: d(2025, 8, 15),
//!         cancellation: None,
//!     }],
//!     ancillaries: vec![],
//!     contract_cancellation: None,
//!     horizon: Horizon::Months(12),
//!     damage: None,
//! };
//! let q = quote(&desc, &Tariff::standard()).unwrap();
//! // August: initial 350,000 + 90,000 × 17 / 31 = 49,354.83 → 49,354
//! assert_eq!(q.invoices[0].subtotal, Yen(399_354));
//! // Tax once on the sum: 399,354 × 10% = 39,935.4 → 39,935
//! assert_eq!(q.invoices[0].tax, Yen(39_935));
//! assert_eq!(q.installation_deadlines[0].deadline.deadline, d(2025, 8, 8));
//! ```
//!
//! # Readings the terms leave open
//!
//! Business choices are tariff settings ([`Tariff`]), not constants:
//! line and tax rounding ([`RoundingMode`], default down), closing days
//! (default Dec 29 – Jan 3), the Art. 6-2 lump sum
//! ([`tariff::EarlyTerminationReading`]: cancellation month billed as usual,
//! lump sum = remaining charge months through the period end month), the
//! Art. 27-2(1) cap ([`tariff::BasicLiabilityReading`], default: amount billed
//! for the damage month) and the prepaid refund on operator fault
//! ([`tariff::PrepaidRefundReading`]: unused charge months). Fixed in code and
//! documented where they are made: a full-month ancillary item's contract
//! period is counted in charge months from its start month; lump sums and
//! refunds are billed with the cancellation month's invoice.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod ancillary;
pub mod business_days;
pub mod cancellation;
pub mod comparison;
pub mod derivation;
pub mod description;
pub mod error;
pub mod holidays;
pub mod installation;
pub mod invoice;
pub mod liability;
pub mod money;
pub mod proration;
pub mod quote;
pub mod sample;
pub mod tariff;
pub mod terms;
pub mod text;

pub use ancillary::EarlyTermination;
pub use comparison::{TermsView, compare_terms, compare_terms_given};
pub use derivation::{Article, Derivation, DerivationParts};
pub use description::{
    AncillarySubscription, CancelledBy, ContractCancellation, ContractDescription, DamageCause,
    DamageScenario, Horizon, SensorContract,
};
pub use error::ContractError;
pub use invoice::{Invoice, InvoiceLine, LineCategory, LineKind};
pub use liability::LiabilityCap;
pub use money::{Fraction, RoundingMode, Yen};
pub use proration::ChargeMonth;
pub use quote::{Quote, SensorDeadline, TermsPeriod, Totals, quote, quote_json};
pub use tariff::{AncillaryItem, FeeModel, SensorType, Tariff};
pub use terms::TermsVersion;
pub use text::Text;
