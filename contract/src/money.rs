//! Money: integer yen, unrounded fractions of yen, and the one explicit step
//! between them.
//!
//! Amounts are never floats. A prorated fee such as 90,000 × 17 / 31 is kept as
//! an exact [`Fraction`] until the tariff's [`RoundingMode`] turns it into
//! [`Yen`], so the rounding is visible in every derivation.

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub};

use serde::{Deserialize, Serialize};

/// A whole number of yen (tax-excluded or tax-included; the field name says which).
///
/// Signed so that credits (a refunded prepaid fee) are representable.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yen(pub i64);

impl Yen {
    /// Zero yen.
    pub const ZERO: Yen = Yen(0);

    /// The amount as an exact fraction, for further arithmetic.
    pub fn to_fraction(self) -> Fraction {
        Fraction::from_integer(self.0 as i128)
    }

    /// Multiply by a count (sensor contracts, months).
    pub fn times(self, n: i64) -> Yen {
        Yen(self.0.saturating_mul(n))
    }
}

impl Add for Yen {
    type Output = Yen;
    fn add(self, rhs: Yen) -> Yen {
        Yen(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Yen {
    fn add_assign(&mut self, rhs: Yen) {
        *self = *self + rhs;
    }
}

impl Sub for Yen {
    type Output = Yen;
    fn sub(self, rhs: Yen) -> Yen {
        Yen(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Yen {
    type Output = Yen;
    fn neg(self) -> Yen {
        Yen(self.0.saturating_neg())
    }
}

impl std::iter::Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen::ZERO, Add::add)
    }
}

/// Formats as `90,000` (thousands separators, no currency sign) so derivations
/// read like the tariff table.
impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_grouped(f, self.0 as i128)
    }
}

/// `v` with thousands separators, e.g. `-1,049,354`: amounts, and any
/// count a page shows.
pub fn group_thousands(v: i128) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_grouped(&mut out, v);
    out
}

/// Writes `v` with thousands separators, e.g. `-1,049,354`. Built on the
/// stack and written once: derivation formulas format many amounts, and this
/// allocates nothing.
fn write_grouped(out: &mut impl fmt::Write, v: i128) -> fmt::Result {
    // 39 digits of u128::MAX, 12 separators, a sign.
    let mut buf = [0u8; 52];
    let mut pos = buf.len();
    let mut n = v.unsigned_abs();
    let mut digits = 0;
    loop {
        if digits > 0 && digits % 3 == 0 {
            pos -= 1;
            buf[pos] = b',';
        }
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        digits += 1;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    out.write_str(std::str::from_utf8(&buf[pos..]).map_err(|_| fmt::Error)?)
}

/// How an unrounded amount becomes whole yen. A tariff setting, not a rule of
/// the terms (contract-terms.md, billing rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoundingMode {
    /// Toward zero (切り捨て): the qualified-invoice default.
    Down,
    /// Half away from zero (四捨五入).
    HalfUp,
}

impl RoundingMode {
    /// English label used in derivations.
    pub fn label_en(self) -> &'static str {
        match self {
            RoundingMode::Down => "rounded down",
            RoundingMode::HalfUp => "rounded half up",
        }
    }

    /// Japanese label used in derivations.
    pub fn label_ja(self) -> &'static str {
        match self {
            RoundingMode::Down => "切り捨て",
            RoundingMode::HalfUp => "四捨五入",
        }
    }
}

/// An exact, unrounded amount of yen: `numer / denom` with `denom > 0`, kept
/// in lowest terms (so derived equality is value equality).
///
/// i128 leaves room for fee × days × counts without overflow for any input the
/// entry point accepts. Serialised as the string `"numer/denom"` so JavaScript
/// never rounds it through a double; deserialisation goes through
/// [`Fraction::new`], so a saved quote cannot smuggle in a zero denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fraction {
    numer: i128,
    denom: i128,
}

impl From<Fraction> for String {
    fn from(f: Fraction) -> String {
        format!("{}/{}", f.numer, f.denom)
    }
}

impl TryFrom<String> for Fraction {
    type Error = String;
    fn try_from(text: String) -> Result<Fraction, String> {
        let (n, d) = text.split_once('/').unwrap_or((text.as_str(), "1"));
        let n: i128 = n
            .trim()
            .parse()
            .map_err(|_| format!("bad numerator in \"{text}\""))?;
        let d: i128 = d
            .trim()
            .parse()
            .map_err(|_| format!("bad denominator in \"{text}\""))?;
        if d == i128::MIN {
            return Err(format!("denominator out of range in \"{text}\""));
        }
        Fraction::new(n, d).ok_or_else(|| format!("zero denominator in \"{text}\""))
    }
}

impl Fraction {
    /// `numer / denom`; `None` when `denom` is zero.
    pub fn new(numer: i128, denom: i128) -> Option<Fraction> {
        if denom == 0 {
            return None;
        }
        let (n, d) = if denom < 0 {
            (numer.saturating_neg(), denom.saturating_neg())
        } else {
            (numer, denom)
        };
        Some(Fraction { numer: n, denom: d }.reduced())
    }

    /// A whole number.
    pub fn from_integer(n: i128) -> Fraction {
        Fraction { numer: n, denom: 1 }
    }

    /// `yen × numer / denom` — the shape of every proration. `denom` must be
    /// positive (days in a month, months in a period); zero gives zero rather
    /// than a panic.
    pub fn ratio_of(yen: Yen, numer: i64, denom: i64) -> Fraction {
        Fraction::new(yen.0 as i128 * numer as i128, denom as i128)
            .unwrap_or(Fraction::from_integer(0))
    }

    /// Numerator after reduction.
    pub fn numer(self) -> i128 {
        self.numer
    }

    /// Denominator after reduction (always positive).
    pub fn denom(self) -> i128 {
        self.denom
    }

    fn reduced(self) -> Fraction {
        let g = gcd(self.numer.unsigned_abs(), self.denom.unsigned_abs()) as i128;
        if g > 1 {
            Fraction {
                numer: self.numer / g,
                denom: self.denom / g,
            }
        } else {
            self
        }
    }

    /// The explicit rounding step: the only way a fraction becomes yen.
    pub fn round(self, mode: RoundingMode) -> Yen {
        let q = self.numer / self.denom; // truncates toward zero
        let r = self.numer % self.denom;
        let v = match mode {
            RoundingMode::Down => q,
            RoundingMode::HalfUp => {
                // r.abs() ≥ denom − r.abs() is 2|r| ≥ denom without overflow.
                if r.abs() >= self.denom - r.abs() {
                    q + self.numer.signum()
                } else {
                    q
                }
            }
        };
        Yen(v.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }

    /// True when the fraction is a whole number of yen.
    pub fn is_integer(self) -> bool {
        self.denom == 1
    }

    /// Decimal rendering truncated to two places, e.g. `49,354.83`, used only
    /// in derivation text.
    pub fn display_2dp(self) -> String {
        let neg = self.numer < 0;
        let n = self.numer.unsigned_abs();
        let d = self.denom as u128;
        let whole = n / d;
        let rem = n % d;
        let (cents, exact) = match rem.checked_mul(100) {
            Some(x) => (x / d, x.is_multiple_of(d)),
            None => (rem / (d / 100), false),
        };
        let mut s = String::new();
        if neg {
            s.push('-');
        }
        s.push_str(&group_thousands(whole as i128));
        if self.denom != 1 {
            let c = format!("{cents:02}");
            // Show one decimal when the second is zero (104,935.4), two otherwise.
            let c = if exact && c.ends_with('0') {
                c[..1].to_string()
            } else {
                c
            };
            s.push('.');
            s.push_str(&c);
        }
        s
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_2dp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prorated_fee_rounds_down_to_the_yen() {
        // 90,000 × 17 / 31 = 49,354.838… → 49,354
        let f = Fraction::ratio_of(Yen(90_000), 17, 31);
        assert_eq!(f.round(RoundingMode::Down), Yen(49_354));
        assert_eq!(f.display_2dp(), "49,354.83");
    }

    #[test]
    fn half_up_rounds_a_half_yen_up_and_below_half_down() {
        // 1 / 2 = 0.5 → 1; 1 / 3 = 0.33 → 0; 90,000 × 17 / 31 = 49,354.84 → 49,355
        assert_eq!(
            Fraction::new(1, 2).unwrap().round(RoundingMode::HalfUp),
            Yen(1)
        );
        assert_eq!(
            Fraction::new(1, 3).unwrap().round(RoundingMode::HalfUp),
            Yen(0)
        );
        assert_eq!(
            Fraction::ratio_of(Yen(90_000), 17, 31).round(RoundingMode::HalfUp),
            Yen(49_355)
        );
    }

    #[test]
    fn a_negative_credit_rounds_toward_zero_when_rounding_down() {
        // -7 / 2 = -3.5 → -3 (down = toward zero), → -4 (half up = away from zero)
        let f = Fraction::new(-7, 2).unwrap();
        assert_eq!(f.round(RoundingMode::Down), Yen(-3));
        assert_eq!(f.round(RoundingMode::HalfUp), Yen(-4));
    }

    #[test]
    fn yen_displays_with_thousands_separators() {
        assert_eq!(Yen(1_049_354).to_string(), "1,049,354");
        assert_eq!(Yen(-90_000).to_string(), "-90,000");
        assert_eq!(Yen(0).to_string(), "0");
    }

    #[test]
    fn grouping_matches_the_digit_by_digit_reading_at_every_length_and_extreme() {
        fn reference(v: i128) -> String {
            let digits = v.unsigned_abs().to_string();
            let mut out = String::new();
            if v < 0 {
                out.push('-');
            }
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        }
        let mut values = vec![0, 1, -1, i128::MAX, i128::MIN, i128::MIN + 1];
        values.extend([i64::MAX as i128, i64::MIN as i128]);
        let mut p: i128 = 1;
        for _ in 0..38 {
            p *= 10;
            values.extend([p - 1, p, p + 1, -(p - 1), -p, -(p + 1)]);
        }
        for v in values {
            assert_eq!(group_thousands(v), reference(v), "{v}");
        }
        assert_eq!(Yen(i64::MIN).to_string(), reference(i64::MIN as i128));
        assert_eq!(format!("{:>12}", Yen(90_000)), "90,000");
    }

    #[test]
    fn a_deserialised_fraction_with_a_zero_denominator_is_refused() {
        assert!(serde_json::from_str::<Fraction>(r#""1/0""#).is_err());
        assert!(serde_json::from_str::<Fraction>(r#""x/2""#).is_err());
        let f: Fraction = serde_json::from_str(r#""2/-4""#).unwrap();
        assert_eq!(f, Fraction::new(-1, 2).unwrap());
        // 90,000 × 17 / 31 round-trips as text.
        let f = Fraction::ratio_of(Yen(90_000), 17, 31);
        assert_eq!(serde_json::to_string(&f).unwrap(), r#""1530000/31""#);
    }

    #[test]
    fn extreme_fractions_round_and_display_without_overflow() {
        let f = Fraction::new(i128::MAX, i128::MAX - 1).unwrap();
        assert_eq!(f.round(RoundingMode::HalfUp), Yen(1));
        assert!(!f.display_2dp().is_empty());
    }

    #[test]
    fn a_zero_denominator_is_refused_not_a_panic() {
        assert!(Fraction::new(1, 0).is_none());
        assert_eq!(
            Fraction::ratio_of(Yen(5), 1, 0).round(RoundingMode::Down),
            Yen(0)
        );
    }
}
