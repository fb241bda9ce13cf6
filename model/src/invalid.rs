//! A refused input value, named by its field, in the user's terms.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Invalid {
    /// The form field or request parameter that was wrong (`username`, `sensors.0.removal`).
    pub field: String,
    /// What was wrong with it.
    pub problem: String,
}

impl Invalid {
    pub fn new(field: &str, problem: impl Into<String>) -> Invalid {
        Invalid {
            field: field.to_owned(),
            problem: problem.into(),
        }
    }
}
