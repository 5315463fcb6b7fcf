//! Reads a JSON Lines file the way the `eval` benchmark's baselines do, for
//! instruction counts under callgrind (docs/performance.md):
//! `parse_only value FILE` parses each line into `serde_json::Value`,
//! `parse_only ignored FILE` skips it with `IgnoredAny` (the tokenizer floor),
//! `parse_only none FILE` only reads the file (the fixed cost to subtract).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "measurement tool")]

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().expect("mode: value, ignored or none");
    let path = args.next().expect("a JSON Lines file");
    let text = std::fs::read_to_string(path).unwrap();
    let mut fields = 0usize;
    for line in text.lines() {
        match mode.as_str() {
            "value" => {
                let value: serde_json::Value = serde_json::from_str(line).unwrap();
                fields += value.as_object().map_or(0, serde_json::Map::len);
            }
            "ignored" => {
                let _: serde::de::IgnoredAny = serde_json::from_str(line).unwrap();
                fields += 1;
            }
            _ => {}
        }
    }
    println!("{fields}");
}
