//! MAC vendor lookup from the IEEE registry shipped in `data/oui.tsv`
//! (see `data/README.md` for its source and licence).

use crate::ethernet::MacAddr;
use std::sync::OnceLock;

static DATA: &str = include_str!("../data/oui.tsv");

struct Registry {
    names: Vec<&'static str>,
    /// (prefix, name index), sorted by prefix, one table per block size.
    ma_l: Vec<(u64, u32)>,
    ma_m: Vec<(u64, u32)>,
    ma_s: Vec<(u64, u32)>,
}

fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut lines = DATA.lines().skip(1);
        let count = lines
            .next()
            .and_then(|l| l.strip_prefix("N\t"))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let names: Vec<&'static str> = lines.by_ref().take(count).collect();
        let mut reg = Registry {
            names,
            ma_l: Vec::new(),
            ma_m: Vec::new(),
            ma_s: Vec::new(),
        };
        for line in lines {
            let Some((hex, idx)) = line.split_once('\t') else {
                continue;
            };
            let (Ok(prefix), Ok(idx)) =
                (u64::from_str_radix(hex, 16), u32::from_str_radix(idx, 16))
            else {
                continue;
            };
            match hex.len() {
                6 => reg.ma_l.push((prefix, idx)),
                7 => reg.ma_m.push((prefix, idx)),
                9 => reg.ma_s.push((prefix, idx)),
                _ => {}
            }
        }
        for t in [&mut reg.ma_l, &mut reg.ma_m, &mut reg.ma_s] {
            t.sort_unstable();
        }
        reg
    })
}

fn find(table: &[(u64, u32)], prefix: u64) -> Option<u32> {
    table
        .binary_search_by_key(&prefix, |(p, _)| *p)
        .ok()
        .map(|i| table[i].1)
}

/// The organisation the IEEE assigned this MAC's block to, or `None` for
/// locally administered, group or unregistered addresses.
pub fn vendor(mac: MacAddr) -> Option<&'static str> {
    if mac.is_local() || mac.is_multicast() {
        return None;
    }
    let reg = registry();
    let v = mac.to_u64();
    // Longer (MA-S, MA-M) blocks are carved out of MA-L blocks, so they win.
    find(&reg.ma_s, v >> 12)
        .or_else(|| find(&reg.ma_m, v >> 20))
        .or_else(|| find(&reg.ma_l, v >> 24))
        .and_then(|i| reg.names.get(i as usize).copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vendors() {
        let v = |s: &str| vendor(s.parse().unwrap());
        assert_eq!(v("00:1b:1b:01:02:03"), Some("Siemens AG"));
        assert_eq!(v("00:00:bc:01:02:03"), Some("Rockwell Automation"));
        assert!(v("00:0e:8c:00:00:01").unwrap().starts_with("Siemens"));
        assert_eq!(v("02:00:00:00:00:01"), None);
        assert_eq!(v("ff:ff:ff:ff:ff:ff"), None);
        assert!(registry().ma_l.len() > 30_000);
        assert!(!registry().ma_m.is_empty() && !registry().ma_s.is_empty());
    }
}
