//! Secrets from the configuration (keys, the first administrator's
//! password): a type that never prints its value and cannot be serialized,
//! so a `Debug` of the configuration, a log line or a response cannot carry
//! one by accident.

use std::fmt;

/// A secret value: `Debug` shows `Secret(…)`; no `Display`, no `Serialize`.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let s: Secret = "hunter2-very-secret".parse().expect("parse");
        assert_eq!(format!("{s:?}"), "Secret(…)");
        assert_eq!(s.expose(), "hunter2-very-secret");
    }
}
