//! Where a webhook may go: http or https to a host whose every address is
//! public. Loopback, private, link-local (the cloud metadata address
//! among them), carrier-grade NAT, multicast and unspecified addresses are
//! refused after the name is resolved — unless the URL's host is listed
//! in `WEBHOOK_ALLOW_HOSTS`. The delivery connects to the addresses that
//! were checked (the name is not resolved a second time), and redirects
//! are not followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::config::HostList;

/// A checked destination: the URL and the addresses to connect to.
#[derive(Debug, Clone)]
pub struct Destination {
    pub url: url::Url,
    pub host: String,
    pub addrs: Vec<SocketAddr>,
}

/// Why a destination is refused, for a person.
pub type Refusal = String;

/// Checks `raw` and resolves its host (at most `timeout`).
pub async fn check(
    raw: &str,
    allow: &HostList,
    timeout: std::time::Duration,
) -> Result<Destination, Refusal> {
    let url = url::Url::parse(raw).map_err(|e| format!("The URL cannot be read: {e}."))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("Webhooks go to http or https URLs.".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Put no credentials in the URL; verify deliveries with the signing secret.".into());
    }
    let host = url.host_str().ok_or("The URL has no host.")?.to_string();
    let port = url.port_or_known_default().ok_or("The URL has no port.")?;
    let bare = host.trim_start_matches('[').trim_end_matches(']').to_string();
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(timeout, tokio::net::lookup_host((bare.as_str(), port)))
            .await
            .map_err(|_| format!("Looking up {bare} took too long."))?
            .map_err(|e| format!("{bare} cannot be found: {e}."))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(format!("{bare} has no address."));
    }
    if !allow.allows(&bare) {
        if let Some(bad) = addrs.iter().find_map(|a| not_public(a.ip())) {
            return Err(format!(
                "{bare} is {bad}; webhooks go only to public addresses unless WEBHOOK_ALLOW_HOSTS lists the host."
            ));
        }
    }
    Ok(Destination {
        url,
        host: bare,
        addrs,
    })
}

/// What kind of non-public address `ip` is, if it is one.
pub fn not_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_kind(v4),
            None => v6_kind(v6),
        },
    }
}

fn v4_kind(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address (cloud metadata among them)")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a carrier-grade NAT address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        Some("a multicast or reserved address")
    } else {
        None
    }
}

fn v6_kind(ip: Ipv6Addr) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a private address")
    } else if first & 0xffc0 == 0xfe80 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str) -> Option<&'static str> {
        not_public(ip.parse().expect("ip"))
    }

    #[test]
    fn only_public_addresses_pass() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::",
        ] {
            assert!(kind(ip).is_some(), "{ip} is not public");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert_eq!(kind(ip), None, "{ip} is public");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_before_anything_is_sent() {
        let none = HostList::default();
        let t = std::time::Duration::from_secs(2);
        assert!(check("ftp://example.com/x", &none, t)
            .await
            .unwrap_err()
            .contains("http or https"));
        assert!(check("http://user:pw@8.8.8.8/", &none, t)
            .await
            .unwrap_err()
            .contains("credentials"));
        let refused = check("http://127.0.0.1:9/hook", &none, t).await.unwrap_err();
        assert!(
            refused.contains("loopback") && refused.contains("WEBHOOK_ALLOW_HOSTS"),
            "{refused}"
        );
        assert!(check("http://[::1]:9/", &none, t)
            .await
            .unwrap_err()
            .contains("loopback"));
        assert!(check("http://169.254.169.254/latest/meta-data", &none, t)
            .await
            .unwrap_err()
            .contains("link-local"));
        let allowed = HostList(vec!["127.0.0.1".into()]);
        let ok = check("http://127.0.0.1:9/hook", &allowed, t)
            .await
            .expect("allowed");
        assert_eq!(ok.addrs, vec!["127.0.0.1:9".parse().unwrap()]);
        // A name that resolves to loopback is refused by its address.
        assert!(check("http://localhost:9/", &none, t)
            .await
            .unwrap_err()
            .contains("loopback"));
    }
}
