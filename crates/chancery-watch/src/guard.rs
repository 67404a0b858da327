//! The SSRF guard: which addresses a fetch may connect to.
//!
//! The check runs inside the HTTP client's resolver, on the addresses DNS
//! returned, so the address checked is the address connected to (no second
//! lookup an attacker's DNS could answer differently). Every redirect hop is
//! a new request and passes through it again.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Why an address is refused, or `None` when it is a public unicast address.
pub fn forbidden_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private (unique local)")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if v6.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                // NAT64: the IPv4 address it embeds decides.
                let [.., a, b] = v6.segments();
                forbidden_v4(Ipv4Addr::from((u32::from(a) << 16) | u32::from(b)))
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip == Ipv4Addr::new(169, 254, 169, 254) {
        Some("cloud metadata")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_private() {
        Some("private")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if ip.is_multicast() {
        Some("multicast")
    } else if ip.is_unspecified() || a == 0 {
        Some("unspecified")
    } else if ip.is_broadcast() || a >= 240 {
        Some("reserved")
    } else if a == 100 && (64..128).contains(&b) {
        Some("shared (carrier-grade NAT)")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("benchmarking")
    } else {
        None
    }
}

/// A resolver that drops forbidden addresses and fails when none is left.
#[derive(Clone)]
pub struct GuardedResolver {
    allow_private: bool,
    allowed: Arc<Vec<IpAddr>>,
    refused: Arc<AtomicU64>,
}

impl fmt::Debug for GuardedResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardedResolver")
            .field("allow_private", &self.allow_private)
            .finish()
    }
}

/// The marker at the start of the message of a refused resolution, so the
/// fetcher can tell it from other I/O errors.
pub(crate) const REFUSED: &str = "chancery-watch guard:";

impl GuardedResolver {
    /// A resolver that refuses non-public addresses unless `allow_private`,
    /// except the addresses in `allowed` (one intranet host, a test
    /// fixture), which are always allowed.
    pub fn new(allow_private: bool, allowed: Vec<IpAddr>) -> GuardedResolver {
        GuardedResolver {
            allow_private,
            allowed: Arc::new(allowed),
            refused: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How many resolutions were refused (no connection was made for any).
    pub fn refused(&self) -> u64 {
        self.refused.load(Ordering::Relaxed)
    }
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let resolved = DefaultResolver::default().resolve(uri, config, timeout)?;
        if self.allow_private {
            return Ok(resolved);
        }
        let mut kept = self.empty();
        let mut reason = None;
        for &addr in resolved.iter() {
            match forbidden_reason(addr.ip()) {
                _ if self.allowed.contains(&addr.ip()) => kept.push(addr),
                None => kept.push(addr),
                Some(why) => reason = Some((addr.ip(), why)),
            }
        }
        if kept.is_empty() {
            self.refused.fetch_add(1, Ordering::Relaxed);
            let (ip, why) = reason.unwrap_or((IpAddr::V6(Ipv6Addr::UNSPECIFIED), "unspecified"));
            let host = uri.host().unwrap_or("");
            return Err(ureq::Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{REFUSED} {host} resolves to {ip}, a {why} address"),
            )));
        }
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_named() {
        let cases = [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "cloud metadata"),
            ("169.254.1.1", "link-local"),
            ("224.0.0.1", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("100.64.0.1", "shared (carrier-grade NAT)"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd00::1", "private (unique local)"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "cloud metadata"),
            ("64:ff9b::a00:1", "private"),
        ];
        for (ip, why) in cases {
            assert_eq!(forbidden_reason(ip.parse().unwrap()), Some(why), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert_eq!(forbidden_reason(ip.parse().unwrap()), None, "{ip}");
        }
    }
}
