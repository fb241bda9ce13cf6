//! MAC vendor lookup from the IEEE registry shipped in `data/oui.tsv`
//! (see `data/README.md` for its source and licence).

use crate::ethernet::MacAddr;

// Tables built from `data/oui.tsv` by `build.rs`, searched where they lie.
static NAMES: &str = include_str!(concat!(env!("OUT_DIR"), "/oui_names.txt"));
static NAME_ENDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/oui_name_ends.bin"));
static MA_L: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/oui_ma_l.bin"));
static MA_M: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/oui_ma_m.bin"));
static MA_S: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/oui_ma_s.bin"));

/// Bytes per table record: prefix (u64 LE), name index (u32 LE).
const RECORD: usize = 12;

fn record(table: &[u8], i: usize) -> Option<(u64, u32)> {
    let r = table.get(i * RECORD..(i + 1) * RECORD)?;
    let prefix = u64::from_le_bytes(r[..8].try_into().ok()?);
    let idx = u32::from_le_bytes(r[8..].try_into().ok()?);
    Some((prefix, idx))
}

/// Binary search of a table sorted by prefix.
fn find(table: &[u8], prefix: u64) -> Option<u32> {
    let (mut lo, mut hi) = (0, table.len() / RECORD);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (p, idx) = record(table, mid)?;
        match p.cmp(&prefix) {
            std::cmp::Ordering::Equal => return Some(idx),
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
        }
    }
    None
}

fn name(idx: u32) -> Option<&'static str> {
    let end_of = |i: usize| -> Option<usize> {
        let b = NAME_ENDS.get(i * 4..i * 4 + 4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
    };
    let i = idx as usize;
    // Each name starts one past the previous name's end (after its newline).
    let start = if i == 0 { 0 } else { end_of(i - 1)? + 1 };
    NAMES.get(start..end_of(i)?)
}

/// The organisation the IEEE assigned this MAC's block to, or `None` for
/// locally administered, group or unregistered addresses.
pub fn vendor(mac: MacAddr) -> Option<&'static str> {
    if mac.is_local() || mac.is_multicast() {
        return None;
    }
    let v = mac.to_u64();
    // Longer (MA-S, MA-M) blocks are carved out of MA-L blocks, so they win.
    find(MA_S, v >> 12)
        .or_else(|| find(MA_M, v >> 20))
        .or_else(|| find(MA_L, v >> 24))
        .and_then(name)
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
        assert!(MA_L.len() / RECORD > 30_000);
        assert!(!MA_M.is_empty() && !MA_S.is_empty());
    }

    /// Every record of the tables names a real organisation, and the tables
    /// are sorted (the binary search depends on it).
    #[test]
    fn tables_are_sorted_and_every_index_names_someone() {
        for table in [MA_L, MA_M, MA_S] {
            assert_eq!(table.len() % RECORD, 0);
            let records: Vec<_> = (0..table.len() / RECORD)
                .map(|i| record(table, i).unwrap())
                .collect();
            assert!(records.windows(2).all(|w| w[0].0 < w[1].0));
            for (prefix, idx) in records {
                assert_eq!(find(table, prefix), Some(idx));
                let n = name(idx).unwrap();
                assert!(!n.is_empty() && !n.contains('\n'), "{n:?}");
            }
        }
        assert_eq!(name(0), NAMES.lines().next());
        assert_eq!(name((NAME_ENDS.len() / 4 - 1) as u32), NAMES.lines().last());
        assert_eq!(name((NAME_ENDS.len() / 4) as u32), None);
    }
}
