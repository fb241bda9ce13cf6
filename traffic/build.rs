//! Turns the IEEE registry text (`data/oui.tsv`) into sorted binary tables
//! that `src/oui.rs` includes and searches in place, so no process spends
//! time parsing and sorting 40,000 lines before its first vendor lookup.
//!
//! Output in `OUT_DIR`:
//! - `oui_names.txt`: the organisation names, one per line;
//! - `oui_name_ends.bin`: for each name, the byte offset just past it (u32 LE);
//! - `oui_ma_l.bin`, `oui_ma_m.bin`, `oui_ma_s.bin`: (prefix u64 LE, name index
//!   u32 LE) records sorted by prefix, one table per block size.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=data/oui.tsv");
    let text = std::fs::read_to_string("data/oui.tsv").expect("data/oui.tsv is readable");
    let mut lines = text.lines().skip(1);
    let count: usize = lines
        .next()
        .and_then(|l| l.strip_prefix("N\t"))
        .and_then(|n| n.parse().ok())
        .expect("line 2 of data/oui.tsv is N<TAB>count");
    let mut names = String::new();
    let mut ends = Vec::new();
    for name in lines.by_ref().take(count) {
        let _ = writeln!(names, "{name}");
        // The newline is not part of the name: the end is before it.
        ends.extend_from_slice(&u32::try_from(names.len() - 1).unwrap().to_le_bytes());
    }
    let mut tables: [Vec<(u64, u32)>; 3] = Default::default();
    for line in lines {
        let (hex, idx) = line.split_once('\t').expect("prefix<TAB>index");
        let prefix = u64::from_str_radix(hex, 16).expect("hex prefix");
        let idx = u32::from_str_radix(idx, 16).expect("hex index");
        assert!((idx as usize) < count, "name index {idx} out of range");
        let table = match hex.len() {
            6 => 0,
            7 => 1,
            9 => 2,
            n => panic!("prefix {hex} has {n} digits"),
        };
        tables[table].push((prefix, idx));
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    std::fs::write(out.join("oui_names.txt"), names).unwrap();
    std::fs::write(out.join("oui_name_ends.bin"), ends).unwrap();
    for (table, file) in tables
        .iter_mut()
        .zip(["oui_ma_l.bin", "oui_ma_m.bin", "oui_ma_s.bin"])
    {
        table.sort_unstable();
        table.dedup_by_key(|(prefix, _)| *prefix);
        let mut bytes = Vec::with_capacity(table.len() * 12);
        for (prefix, idx) in table.iter() {
            bytes.extend_from_slice(&prefix.to_le_bytes());
            bytes.extend_from_slice(&idx.to_le_bytes());
        }
        std::fs::write(out.join(file), bytes).unwrap();
    }
}
