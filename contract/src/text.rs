//! [`Text`]: an immutable, cheaply shared string for derivations and ids.
//!
//! A 60-month quote of 100 sensor contracts has thousands of lines, most of
//! them carrying one of a few dozen distinct derivations (the full-month line
//! of a 31-day month reads the same for every sensor). Cloning a `Text` shares
//! the characters instead of copying them, so every line still holds its
//! complete derivation while a quote allocates each distinct one once.
//!
//! It reads like a `&str` (`Deref`, `Display`, comparisons with `str` and
//! `String`) and serialises as a plain JSON string, exactly as a `String` does.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Immutable shared text; clones are reference-counted, not copied.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<str>);

impl Text {
    /// The text as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::from("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// Same as a `String`'s: the quoted, escaped text.
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Arc::from(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Arc::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::from(s.as_str())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0.to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_compares_and_serialises_like_a_string() {
        let s = String::from("90,000 × 31 / 31 = 90,000 (full month)");
        let t = Text::from(s.clone());
        assert_eq!(t, s.as_str());
        assert_eq!(t, s);
        assert_eq!(s, t);
        assert_eq!(format!("{t}"), s);
        assert_eq!(format!("{t:?}"), format!("{s:?}"));
        assert!(t.starts_with("90,000"));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            serde_json::to_string(&s).unwrap()
        );
        let back: Text = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, t);
        assert_eq!(String::from(back), s);
    }

    #[test]
    fn a_clone_shares_the_characters() {
        let t = Text::from("基本サービス料");
        let u = t.clone();
        assert!(std::ptr::eq(t.as_str(), u.as_str()));
    }
}
