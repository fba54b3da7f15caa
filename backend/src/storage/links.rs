//! Signed, expiring download links: `/api/jobs/<id>/download?exp=<unix>&sig=<hex>`
//! where `sig` is HMAC-SHA256 over `<id>:<exp>` with the server's key. A
//! changed id or expiry, or a link past its expiry, is refused.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The key that signs links.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

impl LinkKey {
    /// The configured key, or the one kept in `<data_dir>/secret.key`
    /// (created with fresh random bytes, readable by the owner only).
    pub fn load(configured: Option<&str>, data_dir: &std::path::Path) -> std::io::Result<Self> {
        if let Some(k) = configured.filter(|k| !k.is_empty()) {
            return Ok(Self(k.as_bytes().to_vec()));
        }
        let path = data_dir.join("secret.key");
        match std::fs::read(&path) {
            Ok(k) if k.len() >= 32 => Ok(Self(k)),
            _ => {
                std::fs::create_dir_all(data_dir)?;
                let key: [u8; 32] = rand::random();
                let tmp = data_dir.join(".secret.key.part");
                let _ = std::fs::remove_file(&tmp);
                // Created private (0600): the key is never readable by others,
                // not even for the moment between writing and a chmod.
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                {
                    use std::io::Write;
                    let mut file = options.open(&tmp)?;
                    file.write_all(&key)?;
                    file.sync_all()?;
                }
                std::fs::rename(&tmp, &path)?;
                Ok(Self(key.to_vec()))
            }
        }
    }

    /// A fingerprint of the key that does not reveal it: servers sharing a
    /// database compare fingerprints to be sure they share the key.
    pub fn fingerprint(&self) -> String {
        let mut m =
            HmacSha256::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(b"courseware: the replicas' shared download-link key");
        m.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn mac(&self, id: &str, exp: u64) -> HmacSha256 {
        // HMAC accepts keys of any length.
        let mut m =
            HmacSha256::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(id.as_bytes());
        m.update(b":");
        m.update(exp.to_string().as_bytes());
        m
    }

    /// A link to download job `id`, valid until `now + ttl`.
    pub fn sign(&self, id: &str, now: u64, ttl: u64) -> String {
        let exp = now + ttl;
        let sig: String = self
            .mac(id, exp)
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("/api/jobs/{id}/download?exp={exp}&sig={sig}")
    }

    /// Whether `sig` is valid for `id` and `exp` and the link has not expired.
    pub fn verify(&self, id: &str, exp: u64, sig: &str, now: u64) -> bool {
        if now > exp || sig.len() != 64 {
            return false;
        }
        let Some(bytes) = (0..32)
            .map(|i| u8::from_str_radix(sig.get(i * 2..i * 2 + 2)?, 16).ok())
            .collect::<Option<Vec<u8>>>()
        else {
            return false;
        };
        // Constant-time comparison.
        self.mac(id, exp).verify_slice(&bytes).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_verify_only_unchanged_and_unexpired() {
        let k = LinkKey(b"0123456789abcdef0123456789abcdef".to_vec());
        let link = k.sign("abcd2345", 1000, 60);
        let q = link.split_once('?').expect("query").1;
        let exp: u64 = q.split('&').next().expect("exp")[4..].parse().expect("num");
        let sig = &q.split('&').nth(1).expect("sig")[4..];
        assert!(k.verify("abcd2345", exp, sig, 1030));
        assert!(!k.verify("abcd2345", exp, sig, 1061), "expired");
        assert!(!k.verify("abcd2346", exp, sig, 1030), "other job");
        assert!(!k.verify("abcd2345", exp + 1, sig, 1030), "extended expiry");
        let mut bad = sig.to_string();
        bad.replace_range(0..1, if &sig[0..1] == "a" { "b" } else { "a" });
        assert!(!k.verify("abcd2345", exp, &bad, 1030), "tampered signature");
        assert!(!k.verify("abcd2345", exp, "zz", 1030));
        assert_eq!(format!("{k:?}"), "LinkKey(..)");
        // The fingerprint is stable, differs per key and does not contain it.
        let other = LinkKey(b"another key of thirty-two bytes!".to_vec());
        assert_eq!(k.fingerprint(), k.fingerprint());
        assert_ne!(k.fingerprint(), other.fingerprint());
        assert_eq!(k.fingerprint().len(), 64);
        assert!(!k.fingerprint().contains("0123456789abcdef"));
    }
}
