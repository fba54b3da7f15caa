//! Who is on the other end of a request: the client address, read from the
//! connection — or, when the connection comes from a trusted reverse proxy,
//! from the `X-Forwarded-For` entries that proxy (and any trusted proxies
//! before it) appended. Entries a client wrote itself are never believed: the
//! address is the rightmost one not in the trusted set.

use std::net::IpAddr;
use std::str::FromStr;

/// The client address of a request, put in its extensions by the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// One trusted network: an address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?} has a bad prefix length"))?,
            None => max,
        };
        Ok(Self { addr, prefix })
    }
}

impl Network {
    /// Whether `ip` lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The trusted reverse proxies (`TRUSTED_PROXIES`, comma-separated
/// addresses or networks). Empty: the connection's address is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Network::from_str)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client address for a connection from `peer` carrying these
    /// `X-Forwarded-For` header values (in order).
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // An unreadable entry ends the trusted chain: the last good one stands.
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn only_trusted_peers_are_believed() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.5"), ["1.2.3.4"].into_iter()),
            ip("10.0.0.5")
        );

        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8,::1".parse().expect("list");
        // The proxy appended the real client; a forged entry before it is ignored.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), ["6.6.6.6, 203.0.113.9"].into_iter()),
            ip("203.0.113.9")
        );
        // Two trusted hops.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), ["203.0.113.9", "10.1.2.3"].into_iter()),
            ip("203.0.113.9")
        );
        // No header, or garbage: the proxy's own address.
        assert_eq!(proxies.client(ip("::1"), std::iter::empty()), ip("::1"));
        assert_eq!(
            proxies.client(ip("127.0.0.1"), ["nonsense"].into_iter()),
            ip("127.0.0.1")
        );
        // An untrusted peer's header is ignored.
        assert_eq!(
            proxies.client(ip("192.0.2.1"), ["203.0.113.9"].into_iter()),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn networks_parse_and_match() {
        let n: Network = "192.168.0.0/16".parse().expect("net");
        assert!(n.contains(ip("192.168.44.1")));
        assert!(!n.contains(ip("192.169.0.1")));
        assert!(n.contains(ip("::ffff:192.168.1.1")));
        let all: Network = "0.0.0.0/0".parse().expect("net");
        assert!(all.contains(ip("8.8.8.8")));
        assert!("10.0.0.0/33".parse::<Network>().is_err());
        assert!("proxy.local".parse::<Network>().is_err());
    }
}
