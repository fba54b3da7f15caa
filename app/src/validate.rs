//! Validated input types ("parse, don't validate"): once a value is an
//! [`Email`] or a [`PersonName`] it is known to be well-formed, and the error
//! names the form field it belongs to.

use crate::error::ApiError;

/// A trimmed, plausible email address (one `@`, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let s = raw.trim();
        let bad = || ApiError::invalid("email", "Enter a valid email address.");
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// A display name: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(ApiError::invalid("name", "Enter a name."));
        }
        if s.chars().count() > 100 || s.chars().any(char::is_control) {
            return Err(ApiError::invalid("name", "Use at most 100 ordinary characters."));
        }
        Ok(Self(s.to_owned()))
    }
}

impl AsRef<str> for PersonName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("  Ada@Example.org ").map(|e| e.0),
            Ok("Ada@Example.org".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.org",
            "a b@x.org",
            "a@x",
            "a@@x.org",
            "a@.x",
            "a@x.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn names() {
        assert!(PersonName::parse(" Ada Lovelace ").is_ok());
        assert!(PersonName::parse("  ")
            .unwrap_err()
            .field_message("name")
            .is_some());
        assert!(PersonName::parse(&"x".repeat(101)).is_err());
    }
}
