//! A value that a server function sends as JSON text, for a lazy page's
//! data: the route's `data()` (which requests the data while the page's
//! code loads) is compiled into the main WASM file every page loads, and so
//! is the decoder of every type it receives. Received as text, the value is
//! decoded by the page's own code ([`JsonText::parse`] in its view), in the
//! page's own file.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `T` encoded as JSON, carried as a string.
pub struct JsonText<T> {
    text: String,
    // `fn() -> T`: the text owns no `T`, so it is `Send` and `Sync` whatever
    // `T` is, as resources require.
    of: PhantomData<fn() -> T>,
}

impl<T: Serialize> JsonText<T> {
    pub fn encode(value: &T) -> Result<JsonText<T>, serde_json::Error> {
        Ok(JsonText {
            text: serde_json::to_string(value)?,
            of: PhantomData,
        })
    }
}

impl<T: DeserializeOwned> JsonText<T> {
    pub fn parse(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.text)
    }
}

impl<T> JsonText<T> {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl<T> Clone for JsonText<T> {
    fn clone(&self) -> Self {
        JsonText {
            text: self.text.clone(),
            of: PhantomData,
        }
    }
}

impl<T> fmt::Debug for JsonText<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonText").field(&self.text).finish()
    }
}

impl<T> PartialEq for JsonText<T> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl<T> Serialize for JsonText<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de, T> Deserialize<'de> for JsonText<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(JsonText {
            text: String::deserialize(deserializer)?,
            of: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Form {
        prospect: String,
        sensors: u32,
    }

    #[test]
    fn travels_as_a_json_string_and_parses_back() {
        let form = Form {
            prospect: "工場 \"A\"".into(),
            sensors: 3,
        };
        let text = JsonText::encode(&form).unwrap();
        let wire = serde_json::to_string(&text).unwrap();
        assert!(wire.starts_with('"'), "{wire}");
        let back: JsonText<Form> = serde_json::from_str(&wire).unwrap();
        assert_eq!(back.parse().unwrap(), form);
    }

    #[test]
    fn text_of_another_shape_is_an_error_not_a_panic() {
        let text: JsonText<Form> = serde_json::from_str("\"[1,2]\"").unwrap();
        assert!(text.parse().is_err());
    }
}
